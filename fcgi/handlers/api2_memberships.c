/*
 * api2 Memberships: each handler passes the path id and the request's parameters to one SQL function.
 */
#include "api2_memberships.h"

#include <stdlib.h>

#include "../../db/api2_memberships.h"
#include "../request.h"
#include "api2_util.h"

#define API2_MEMBERSHIPS_PATH "/api2/memberships"

enum rd_err api2_memberships_list(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_list(req, &rd_dbapi2_memberships_list, p, 3, API2_MEMBERSHIPS_PATH);
	free(params);
	return e;
}

enum rd_err api2_memberships_get(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbapi2_memberships_get, p);
}

enum rd_err api2_memberships_create(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_created(req, &rd_dbapi2_memberships_create, p, API2_MEMBERSHIPS_PATH);
	free(params);
	return e;
}

enum rd_err api2_memberships_update(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[2] = {req->pathv[0], params};
	enum rd_err e;

	e = rd_req_db_json(req, &rd_dbapi2_memberships_update, p);
	free(params);
	return e;
}

enum rd_err api2_memberships_delete(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return api2_answer_deleted(req, &rd_dbapi2_memberships_delete, p);
}
