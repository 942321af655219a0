/*
 * Account admins (memberships). Who may grant or remove what is decided in SQL (migrations/0005):
 * the route's permission on the account, plus holding everything the membership confers.
 */
#include "admins.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../db/admins.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err admins_list(struct rd_req *req)
{
	struct rd_page pg;
	const char *token, *params[5];
	char per_page[24], *user_ids = NULL;
	enum rd_err e;

	if ((e = acct_param_list(req, "user_id", 100, &user_ids)) != RD_OK ||
	    (e = acct_keyset_page(req, &pg, &token)) != RD_OK)
		goto out;
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = user_ids;
	params[3] = token;
	params[4] = per_page;
	e = acct_answer_list(req, &rd_dbadmins_list, params, &pg, token, "/admins");
out:
	free(user_ids);
	return e;
}

enum rd_err admins_self(struct rd_req *req)
{
	struct rd_page pg;
	const char *token, *params[4];
	char per_page[24];
	enum rd_err e;

	if ((e = acct_keyset_page(req, &pg, &token)) != RD_OK)
		return e;
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = token;
	params[3] = per_page;
	return acct_answer_list(req, &rd_dbadmins_self, params, &pg, token, "/admins/self");
}

enum rd_err admins_create(struct rd_req *req)
{
	struct acct_param user_id, role_id, role;
	const char *params[5];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "user_id", &user_id)) != RD_OK ||
	    (e = acct_param(req, NULL, "role_id", &role_id)) != RD_OK ||
	    (e = acct_param(req, NULL, "role", &role)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = user_id.s;
	params[3] = role_id.s;
	params[4] = role.s;
	return acct_answer_json(req, &rd_dbadmins_create, params);
}

enum rd_err admins_delete(struct rd_req *req)
{
	struct acct_param role_id, role;
	const char *params[5];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "role_id", &role_id)) != RD_OK ||
	    (e = acct_param(req, NULL, "role", &role)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = req->pathv[1];
	params[3] = role_id.s;
	params[4] = role.s;
	return acct_answer_json(req, &rd_dbadmins_delete, params);
}
