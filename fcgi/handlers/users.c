/*
 * Users. The pattern every handler follows: validate parameters at the edge, make one call through
 * rd_req_db (which runs rd_ctx + the statement in one round trip and maps errors), serialise.
 */
#include "users.h"

#include <stdio.h>

#include "../../db/users.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err users_self(struct rd_req *req)
{
	struct rd_res *res = NULL;
	enum rd_err e;

	e = rd_req_db(req, &rd_dbusers_self, NULL, &res);
	if (e != RD_OK)
		goto out;
	/* the SQL function builds the JSON; pass it through untouched */
	rd_req_body_text(req, rd_res_value(res, 0, 0), (size_t)rd_res_len(res, 0, 0));
out:
	rd_res_free(res);
	return e;
}

/* The members of user[...] and pseudonym[...] the create reads; any other (Canvas' pseudonym[password],
 * user[time_zone], ...) is named in the answer's warnings (issue 16, no silent no-ops). */
static const char *const user_keys[] = {"name", "short_name", "sortable_name", NULL};
static const char *const pseudonym_keys[] = {"unique_id", "sis_user_id", NULL};

enum rd_err users_create(struct rd_req *req)
{
	struct acct_param name, short_name, sortable_name, unique_id, sis_user_id;
	const char *params[6];
	enum rd_err e;

	if ((e = acct_param(req, "user", "name", &name)) != RD_OK ||
	    (e = acct_param(req, "user", "short_name", &short_name)) != RD_OK ||
	    (e = acct_param(req, "user", "sortable_name", &sortable_name)) != RD_OK ||
	    (e = acct_param(req, "pseudonym", "unique_id", &unique_id)) != RD_OK ||
	    (e = acct_param(req, "pseudonym", "sis_user_id", &sis_user_id)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = name.s;
	params[2] = short_name.s;
	params[3] = sortable_name.s;
	params[4] = unique_id.s;
	params[5] = sis_user_id.s;
	e = rd_req_db_json(req, &rd_dbusers_create, params);
	if (e == RD_OK) {
		acct_warn_ignored(req, "user", user_keys);
		acct_warn_ignored(req, "pseudonym", pseudonym_keys);
	}
	return e;
}

enum rd_err users_show(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbusers_show, params);
}

enum rd_err users_list(struct rd_req *req)
{
	struct acct_param term;
	struct rd_page pg;
	const char *token, *params[5];
	char per_page[24];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "search_term", &term)) != RD_OK ||
	    (e = acct_keyset_page(req, &pg, &token)) != RD_OK)
		return e;
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	params[0] = req->pathv[0];
	params[1] = term.s;
	params[2] = token;
	params[3] = per_page;
	return acct_answer_list(req, &rd_dbusers_list, params, &pg, token, "/users");
}
