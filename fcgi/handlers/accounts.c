/*
 * Accounts and sub-accounts. Validation of types happens here; existence, permissions and domain rules
 * (uniqueness, the tree staying a tree, 409 while sub-accounts exist) in the SQL functions of
 * migrations/0005, one statement per request.
 */
#include "accounts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../db/accounts.h"
#include "../params.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err accounts_show(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbaccounts_show, params);
}

/*
 * account[settings] as a new JSON object text for SQL (NULL when absent; caller frees). Values are passed
 * as they came (SQL reads Canvas booleans and {"value": v}); a settings member that is not a hash is a 400.
 */
static enum rd_err settings_param(struct rd_req *req, char **out)
{
	json_t *acct = json_object_get(req->params, "account");
	json_t *settings = json_is_object(acct) ? json_object_get(acct, "settings") : NULL;

	*out = NULL;
	if (settings == NULL || json_is_null(settings))
		return RD_OK;
	if (!json_is_object(settings))
		return rd_req_fail(req, RD_ERR_BAD_REQUEST, "invalid value for parameter 'account[settings]'");
	*out = json_dumps(settings, JSON_COMPACT);
	if (*out == NULL)
		abort();
	return RD_OK;
}

/* The members of account[...] each write reads; any other is named in the answer's warnings. */
static const char *const update_keys[] = {"name", "sis_account_id", "parent_account_id", "settings", NULL};
static const char *const create_keys[] = {"name", "sis_account_id", "parent_account_id", NULL};

enum rd_err accounts_update(struct rd_req *req)
{
	struct acct_param name, sis, parent;
	const char *params[5];
	char *settings = NULL;
	enum rd_err e;

	if ((e = acct_param(req, "account", "name", &name)) != RD_OK ||
	    (e = acct_param(req, "account", "sis_account_id", &sis)) != RD_OK ||
	    (e = acct_param(req, "account", "parent_account_id", &parent)) != RD_OK ||
	    (e = settings_param(req, &settings)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = name.s;
	params[2] = sis.s;
	params[3] = parent.s;
	params[4] = settings;
	e = rd_req_db_json(req, &rd_dbaccounts_update, params);
	free(settings);
	if (e == RD_OK)
		acct_warn_ignored(req, "account", update_keys);
	return e;
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
	params[1] = rd_params_truthy(json_object_get(req->params, "recursive")) ? "true" : "false";
	params[2] = token;
	params[3] = per_page;
	return acct_answer_list(req, &rd_dbaccounts_sub_list, params, &pg, token, "/sub_accounts");
}

enum rd_err accounts_sub_create(struct rd_req *req)
{
	struct acct_param name, sis, parent;
	const char *params[4];
	enum rd_err e;

	if ((e = acct_param(req, "account", "name", &name)) != RD_OK ||
	    (e = acct_param(req, "account", "sis_account_id", &sis)) != RD_OK ||
	    (e = acct_param(req, "account", "parent_account_id", &parent)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = name.s;
	params[2] = sis.s;
	params[3] = parent.s;
	e = rd_req_db_json(req, &rd_dbaccounts_sub_create, params);
	if (e == RD_OK)
		acct_warn_ignored(req, "account", create_keys);
	return e;
}

enum rd_err accounts_sub_delete(struct rd_req *req)
{
	const char *params[2] = {req->pathv[0], req->pathv[1]};

	return rd_req_db_json(req, &rd_dbaccounts_sub_delete, params);
}
