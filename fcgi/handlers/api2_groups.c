/*
 * api2 Groups: each handler passes the path ids and the request's parameters to one SQL function.
 */
#include "api2_groups.h"

#include <stdlib.h>

#include "../../db/api2_groups.h"
#include "../buf.h"
#include "../request.h"
#include "api2_util.h"

#define API2_GROUPS_PATH "/api2/groups"

enum rd_err api2_groups_list(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_list(req, &rd_dbapi2_groups_list, p, 3, API2_GROUPS_PATH);
	free(params);
	return e;
}

enum rd_err api2_groups_get(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbapi2_groups_get, p);
}

enum rd_err api2_groups_create(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_created(req, &rd_dbapi2_groups_create, p, API2_GROUPS_PATH);
	free(params);
	return e;
}

enum rd_err api2_groups_update(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[2] = {req->pathv[0], params};
	enum rd_err e;

	e = rd_req_db_json(req, &rd_dbapi2_groups_update, p);
	free(params);
	return e;
}

enum rd_err api2_groups_delete(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return api2_answer_deleted(req, &rd_dbapi2_groups_delete, p);
}

enum rd_err api2_group_users_list(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[2] = {req->pathv[0], params};
	struct rd_buf path = {0};
	enum rd_err e;

	rd_buf_printf(&path, API2_GROUPS_PATH "/%s/users", req->pathv[0]);
	e = api2_answer_list(req, &rd_dbapi2_group_users_list, p, 4, path.p);
	rd_buf_free(&path);
	free(params);
	return e;
}

enum rd_err api2_group_users_get(struct rd_req *req)
{
	const char *p[2] = {req->pathv[0], req->pathv[1]};

	return rd_req_db_json(req, &rd_dbapi2_group_users_get, p);
}

enum rd_err api2_group_users_add(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[2] = {req->pathv[0], params};
	enum rd_err e;

	e = rd_req_db_json(req, &rd_dbapi2_group_users_add, p);
	free(params);
	return e;
}

enum rd_err api2_group_users_remove(struct rd_req *req)
{
	const char *p[2] = {req->pathv[0], req->pathv[1]};

	return api2_answer_deleted(req, &rd_dbapi2_group_users_remove, p);
}
