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
	params[1] = user_ids;
	params[2] = token;
	params[3] = per_page;
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
	params[1] = token;
	params[2] = per_page;
	return acct_answer_list(req, &rd_dbadmins_self, params, &pg, token, "/admins/self");
}

/* POST (create) or DELETE with dry_run=true: the answer plus its effects (effects_after pages them). */
static enum rd_err dry_run(struct rd_req *req, int create, const char *user, const char *role_id, const char *role)
{
	struct acct_param after;
	const char *params[6];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "effects_after", &after)) != RD_OK)
		return e;
	params[0] = create ? "t" : "f";
	params[1] = req->pathv[0];
	params[2] = user;
	params[3] = role_id;
	params[4] = role;
	params[5] = after.s;
	return rd_req_db_json(req, &rd_dbadmins_dry_run, params);
}

enum rd_err admins_create(struct rd_req *req)
{
	struct acct_param user_id, role_id, role;
	const char *params[4];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "user_id", &user_id)) != RD_OK ||
	    (e = acct_param(req, NULL, "role_id", &role_id)) != RD_OK ||
	    (e = acct_param(req, NULL, "role", &role)) != RD_OK)
		return e;
	if (rd_req_dry_run(req))
		return dry_run(req, 1, user_id.s, role_id.s, role.s);
	params[0] = req->pathv[0];
	params[1] = user_id.s;
	params[2] = role_id.s;
	params[3] = role.s;
	return rd_req_db_json(req, &rd_dbadmins_create, params);
}

enum rd_err admins_delete(struct rd_req *req)
{
	struct acct_param role_id, role;
	const char *params[4];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "role_id", &role_id)) != RD_OK ||
	    (e = acct_param(req, NULL, "role", &role)) != RD_OK)
		return e;
	if (rd_req_dry_run(req))
		return dry_run(req, 0, req->pathv[1], role_id.s, role.s);
	params[0] = req->pathv[0];
	params[1] = req->pathv[1];
	params[2] = role_id.s;
	params[3] = role.s;
	return rd_req_db_json(req, &rd_dbadmins_delete, params);
}
