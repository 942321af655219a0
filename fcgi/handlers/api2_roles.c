/*
 * api2 Roles. The handlers only move values: each request parameter goes to SQL as the JSON the client sent
 * (NULL when absent), because authorization (Administrator users only) must be decided before any
 * complaint about values, and the SQL function does both in that order, in one round trip.
 */
#define _GNU_SOURCE
#include "api2_roles.h"
#include "api2_util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/api2_roles.h"
#include "../buf.h"
#include "../paginate.h"
#include "../request.h"

#define API2_ROLES_PATH "/api2/roles"

/* params[key] as new JSON text (caller frees), NULL when absent. */
static char *param_json(const struct rd_req *req, const char *key)
{
	json_t *v = json_object_get(req->params, key);
	char *s;

	if (v == NULL)
		return NULL;
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		abort();
	return s;
}

/* The four list filters, in statement order. */
struct api2_filters {
	char *v[4];
};

static void filters_get(const struct rd_req *req, struct api2_filters *f)
{
	f->v[0] = param_json(req, "display_name");
	f->v[1] = param_json(req, "deletable");
	f->v[2] = param_json(req, "lti");
	f->v[3] = param_json(req, "permissions");
}

static void filters_free(struct api2_filters *f)
{
	int i;

	for (i = 0; i < 4; i++)
		free(f->v[i]);
}

/*
 * The envelope {"items":[...],"links":{...}}: SQL gives the page's items and the total, the links (which
 * repeat the request's other query parameters) are made here.
 */
enum rd_err api2_roles_list(struct rd_req *req)
{
	struct api2_filters f = {{NULL}};
	const char *params[6];
	enum rd_err e;

	filters_get(req, &f);
	params[0] = f.v[0];
	params[1] = f.v[1];
	params[2] = f.v[2];
	params[3] = f.v[3];
	params[4] = params[5] = NULL; /* page, per_page: api2_answer_list */
	e = api2_answer_list(req, &rd_dbapi2_roles_list, params, 6, API2_ROLES_PATH);
	filters_free(&f);
	return e;
}

enum rd_err api2_roles_count(struct rd_req *req)
{
	struct api2_filters f = {{NULL}};
	enum rd_err e;

	filters_get(req, &f);
	e = rd_req_db_json(req, &rd_dbapi2_roles_count, (const char *const *)f.v);
	filters_free(&f);
	return e;
}

enum rd_err api2_roles_get(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbapi2_roles_get, params);
}

/*
 * A role write with dry_run=true (op: create, update, add, remove, delete): one statement whose one column
 * is the write's answer plus its effects; nothing is written, so no Location and no 204. effects_after is
 * the cursor of the next page of effects, as the client sent it (a string).
 */
static enum rd_err dry_run(struct rd_req *req, const char *op)
{
	json_t *after = json_object_get(req->params, "effects_after");
	char *name, *perms;
	const char *params[5];
	enum rd_err e;

	name = param_json(req, "display_name");
	perms = param_json(req, "permissions");
	params[0] = op;
	params[1] = req->npathv > 0 ? req->pathv[0] : NULL;
	params[2] = name;
	params[3] = perms;
	/* A cursor is the string an answer gave; any other JSON is an unreadable cursor (SQL's 400, after
	 * the checks that come first), not the first page. */
	params[4] = after != NULL && !json_is_null(after) && !json_is_string(after) ? "-" : rd_req_str(req, "effects_after");
	e = rd_req_db_json(req, &rd_dbapi2_roles_dry_run, params);
	free(name);
	free(perms);
	return e;
}

enum rd_err api2_roles_create(struct rd_req *req)
{
	char *name = param_json(req, "display_name"), *perms = param_json(req, "permissions");
	const char *params[2] = {name, perms};
	struct rd_res *res = NULL;
	struct rd_buf location = {0};
	enum rd_err e;

	if (rd_req_dry_run(req)) {
		e = dry_run(req, "create");
		goto out;
	}
	e = rd_req_db(req, &rd_dbapi2_roles_create, params, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 1)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	rd_buf_printf(&location, API2_ROLES_PATH "/%lld", rd_res_int(res, 0, 0));
	rd_req_header(req, "Location", location.p);
	rd_req_body_text(req, rd_res_value(res, 0, 1), (size_t)rd_res_len(res, 0, 1));
out:
	rd_buf_free(&location);
	rd_res_free(res);
	free(name);
	free(perms);
	return e;
}

enum rd_err api2_roles_update(struct rd_req *req)
{
	char *name = param_json(req, "display_name"), *perms = param_json(req, "permissions");
	const char *params[3] = {req->pathv[0], name, perms};
	enum rd_err e;

	e = rd_req_dry_run(req) ? dry_run(req, "update") : rd_req_db_json(req, &rd_dbapi2_roles_update, params);
	free(name);
	free(perms);
	return e;
}

static enum rd_err change_permissions(struct rd_req *req, struct rd_stmt *stmt, const char *op)
{
	char *perms = param_json(req, "permissions");
	const char *params[2] = {req->pathv[0], perms};
	enum rd_err e;

	e = rd_req_dry_run(req) ? dry_run(req, op) : rd_req_db_json(req, stmt, params);
	free(perms);
	return e;
}

enum rd_err api2_roles_add_permissions(struct rd_req *req)
{
	return change_permissions(req, &rd_dbapi2_roles_add_permissions, "add");
}

enum rd_err api2_roles_remove_permissions(struct rd_req *req)
{
	return change_permissions(req, &rd_dbapi2_roles_remove_permissions, "remove");
}

enum rd_err api2_roles_delete(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};
	enum rd_err e;

	if (rd_req_dry_run(req))
		return dry_run(req, "delete");
	e = rd_req_db(req, &rd_dbapi2_roles_delete, params, NULL);
	if (e == RD_OK)
		req->status = 204;
	return e;
}
