/*
 * api2 Users: each handler passes the path id or the request's parameters to one SQL function.
 */
#include "api2_users.h"

#include <stdlib.h>

#include "../../db/api2_groups.h"
#include "../request.h"
#include "api2_util.h"

enum rd_err api2_users_list(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_list(req, &rd_dbapi2_users_list, p, 3, "/api2/users");
	free(params);
	return e;
}

enum rd_err api2_users_get(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbapi2_users_get, p);
}
