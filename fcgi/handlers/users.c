/*
 * Users. The pattern every handler follows: validate parameters at the edge, make one call through
 * rd_req_db (which runs rd_ctx + the statement in one round trip and maps errors), serialise.
 */
#include "users.h"

#include "../../db/users.h"
#include "../request.h"

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
