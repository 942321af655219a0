/*
 * Effective permissions of a user on an account (canvas-roles.md §3.3), and why — all resolved in SQL.
 */
#include "permissions.h"

#include <stdlib.h>
#include <string.h>

#include "../../db/permissions.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err permissions_check(struct rd_req *req)
{
	const char *params[2];
	char *names = NULL;
	enum rd_err e;

	if ((e = acct_param_list(req, "permissions", 500, &names)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = names;
	e = rd_req_db_json(req, &rd_dbpermissions_check, params);
	free(names);
	return e;
}

/* A trailing ".json" on :permission is the format (Rails routes it with (.:format)), not the name. */
enum rd_err permissions_check_one(struct rd_req *req)
{
	const char *params[2];
	char *name = req->pathv[1];
	size_t n = strlen(name);

	if (n > 5 && strcmp(name + n - 5, ".json") == 0)
		name[n - 5] = '\0';
	params[0] = req->pathv[0];
	params[1] = name;
	return rd_req_db_json(req, &rd_dbpermissions_check_one, params);
}

enum rd_err permissions_explain(struct rd_req *req)
{
	struct acct_param user_id;
	const char *params[3];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "user_id", &user_id)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = req->pathv[1];
	params[2] = user_id.s;
	return rd_req_db_json(req, &rd_dbpermissions_explain, params);
}
