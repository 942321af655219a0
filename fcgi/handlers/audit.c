/*
 * The audit trail, newest first, keyset-paginated with Link; filters since, until, entity, user_id. The
 * rows are written by the SQL functions in the transaction of each change (95_audit.sql).
 */
#include "audit.h"

#include <stdio.h>

#include "../../db/audit.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err audit_list(struct rd_req *req)
{
	struct acct_param since, until, entity, user_id;
	struct rd_page pg;
	const char *token, *params[8];
	char per_page[24];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "since", &since)) != RD_OK ||
	    (e = acct_param(req, NULL, "until", &until)) != RD_OK ||
	    (e = acct_param(req, NULL, "entity", &entity)) != RD_OK ||
	    (e = acct_param(req, NULL, "user_id", &user_id)) != RD_OK ||
	    (e = acct_keyset_page(req, &pg, &token)) != RD_OK)
		return e;
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	params[0] = req->pathv[0];
	params[1] = since.s;
	params[2] = until.s;
	params[3] = entity.s;
	params[4] = user_id.s;
	params[5] = token;
	params[6] = per_page;
	return acct_answer_list(req, &rd_dbaudit_list, params, &pg, token, "/audit");
}
