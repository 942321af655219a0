/*
 * Accounts and sub-accounts. Validation of types happens here; existence, permissions and domain rules
 * (uniqueness, the tree staying a tree, 409 while sub-accounts exist) in the SQL functions of
 * migrations/0005, one statement per request.
 */
#include "accounts.h"

#include <stdio.h>

#include "../../db/accounts.h"
#include "../params.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err accounts_show(struct rd_req *req)
{
	const char *params[2] = {req->pathv[0], req->route->perm};

	return acct_answer_json(req, &rd_dbaccounts_show, params);
}

enum rd_err accounts_update(struct rd_req *req)
{
	struct acct_param name, sis, parent;
	const char *params[5];
	enum rd_err e;

	if ((e = acct_param(req, "account", "name", &name)) != RD_OK ||
	    (e = acct_param(req, "account", "sis_account_id", &sis)) != RD_OK ||
	    (e = acct_param(req, "account", "parent_account_id", &parent)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = name.s;
	params[3] = sis.s;
	params[4] = parent.s;
	return acct_answer_json(req, &rd_dbaccounts_update, params);
}

enum rd_err accounts_sub_list(struct rd_req *req)
{
	struct rd_page pg;
	const char *token, *params[5];
	char per_page[24];
	enum rd_err e;

	if ((e = acct_keyset_page(req, &pg, &token)) != RD_OK)
		return e;
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = rd_params_truthy(json_object_get(req->params, "recursive")) ? "true" : "false";
	params[3] = token;
	params[4] = per_page;
	return acct_answer_list(req, &rd_dbaccounts_sub_list, params, &pg, token, "/sub_accounts");
}

enum rd_err accounts_sub_create(struct rd_req *req)
{
	struct acct_param name, sis;
	const char *params[4];
	enum rd_err e;

	if ((e = acct_param(req, "account", "name", &name)) != RD_OK ||
	    (e = acct_param(req, "account", "sis_account_id", &sis)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = req->route->perm;
	params[2] = name.s;
	params[3] = sis.s;
	return acct_answer_json(req, &rd_dbaccounts_sub_create, params);
}

enum rd_err accounts_sub_delete(struct rd_req *req)
{
	const char *params[3] = {req->pathv[0], req->route->perm, req->pathv[1]};

	return acct_answer_json(req, &rd_dbaccounts_sub_delete, params);
}
