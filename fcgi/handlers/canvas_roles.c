/*
 * The Canvas Roles API. The edge work happens here: parameter shapes are checked (a wrong shape becomes a
 * message the SQL function raises as a 400 *after* authorisation, where Canvas would fail), Canvas booleans
 * are decided once (rd_params_truthy) and permissions[...] is reduced to a compact normal form that keeps
 * request order. Everything else — account and role resolution, authorisation, validation, the write and
 * the JSON — is one SQL function call in one round trip (migrations/0002_canvas.sql).
 */
#define _GNU_SOURCE
#include "canvas_roles.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/canvas_roles.h"
#include "../buf.h"
#include "../canvas_json.h"
#include "../paginate.h"
#include "../params.h"
#include "../request.h"
#include "../router.h"

/* The first shape error found, passed to SQL as p_bad; "" = none. */
struct bad {
	char msg[200];
};

static void bad_set(struct bad *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bad_set(struct bad *b, const char *fmt, ...)
{
	va_list ap;

	if (b->msg[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(b->msg, sizeof b->msg, fmt, ap);
	va_end(ap);
}

/* Ruby's blank? on a JSON parameter: null, false, an empty or whitespace string, array or hash. */
static int blank(const json_t *v)
{
	const char *p;

	if (v == NULL || json_is_null(v) || json_is_false(v))
		return 1;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_object(v))
		return json_object_size(v) == 0;
	if (!json_is_string(v))
		return 0;
	for (p = json_string_value(v); *p != '\0'; p++)
		if (strchr(" \t\n\v\f\r", *p) == NULL)
			return 0;
	return 1;
}

/*
 * A string parameter: NULL when absent or JSON null; a non-string value is a shape error. Borrowed from
 * req->params.
 */
static const char *str_param(struct rd_req *req, const char *key, struct bad *b)
{
	json_t *v = json_object_get(req->params, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	bad_set(b, "invalid parameter '%s': expected a string", key);
	return NULL;
}

/* A Canvas boolean parameter; a hash or an array is a shape error. */
static int bool_param(struct rd_req *req, const char *key, struct bad *b)
{
	json_t *v = json_object_get(req->params, key);

	if (json_is_object(v) || json_is_array(v)) {
		bad_set(b, "invalid parameter '%s': expected a boolean", key);
		return 0;
	}
	return rd_params_truthy(v);
}

/* One setting of a permissions entry: -1 absent, else the Canvas boolean 0/1. */
static int setting(json_t *settings, const char *perm, const char *key, struct bad *b)
{
	json_t *v = json_object_get(settings, key);
	if (v == NULL)
		return -1;
	if (json_is_object(v) || json_is_array(v)) {
		bad_set(b, "invalid parameter 'permissions[%.100s][%s]': expected a boolean", perm, key);
		return -1;
	}
	return rd_params_truthy(v) ? 1 : 0;
}

/* The keys of a settings hash that are none of keys[] (Canvas ignores them; SQL warns): a new JSON array. */
static json_t *unknown_settings(json_t *settings, const char *const *keys, size_t nkeys)
{
	json_t *out = json_array(), *v;
	const char *key;
	size_t i;

	json_object_foreach(settings, key, v) {
		for (i = 0; i < nkeys && strcmp(key, keys[i]) != 0; i++)
			;
		if (i == nkeys)
			json_array_append_new(out, json_string(key));
	}
	return out;
}

/*
 * permissions[<name>][explicit|enabled|locked|applies_to_self|applies_to_descendants|readonly] in the
 * normal form the SQL function applies (§2.8): a JSON array, in request order, of
 * [name, explicit, enabled, locked, applies_to_self, applies_to_descendants, readonly, [unknown keys]] with
 * each flag -1 (absent), 0 or 1, and the setting keys it does not know (ignored, with a warning). Returns a new
 * string, or NULL when there is nothing to apply (Ruby's blank?: absent, null, false, "", " ", [], {}).
 * The params tree keeps keys in the order they first appeared in the request (jansson iterates objects
 * in insertion order), which is Rails' hash order too.
 */
static char *permissions_param(struct rd_req *req, struct bad *b)
{
	static const char *const keys[] = {"explicit", "enabled", "locked", "applies_to_self",
					   "applies_to_descendants", "readonly"};
	json_t *perms = json_object_get(req->params, "permissions");
	json_t *out, *settings;
	const char *name;
	char *text;
	size_t i;

	if (blank(perms)) /* Canvas: return true if permissions.blank? */
		return NULL;
	if (!json_is_object(perms)) {
		bad_set(b, "invalid parameter 'permissions': expected permission names with settings");
		return NULL;
	}
	if (json_object_size(perms) == 0)
		return NULL;
	out = json_array();
	json_object_foreach(perms, name, settings) {
		json_t *entry;
		if (!json_is_object(settings)) {
			bad_set(b, "invalid parameter 'permissions[%.100s]': expected a hash of settings", name);
			continue;
		}
		entry = json_array();
		json_array_append_new(entry, json_string(name));
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			json_array_append_new(entry, json_integer(setting(settings, name, keys[i], b)));
		json_array_append_new(entry, unknown_settings(settings, keys, sizeof keys / sizeof keys[0]));
		json_array_append_new(out, entry);
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	if (text == NULL)
		abort();
	return text;
}

/* The :id capture. A trailing ".json" is the format (Rails routes :id with (.:format)), not the name. */
static const char *role_ref(struct rd_req *req)
{
	char *id = req->npathv > 1 ? req->pathv[1] : NULL;
	size_t n;

	if (id == NULL)
		return "";
	n = strlen(id);
	if (n > 5 && strcmp(id + n - 5, ".json") == 0)
		id[n - 5] = '\0';
	return id;
}

static const char *account_ref(const struct rd_req *req)
{
	return req->npathv > 0 ? req->pathv[0] : "";
}

/*
 * Runs stmt like rd_req_db, with the role JSON catalogue loaded first: a worker's first Canvas request loads
 * it before the statement runs, so that a failure to load never follows a committed write.
 */
static enum rd_err role_db(struct rd_req *req, struct rd_stmt *stmt, const char *const *params,
			   struct rd_res **out)
{
	enum rd_err e = rd_canvas_json_load(req->db);

	if (e != RD_OK)
		return e;
	return rd_req_db(req, stmt, params, out);
}

/* Sets the response body from SQL's role JSON text, expanding its compact permissions objects. */
static enum rd_err role_body(struct rd_req *req, const char *text, size_t len)
{
	struct rd_buf b = {0};
	enum rd_err e;

	e = rd_canvas_json_expand(text, len, &b);
	if (e == RD_OK) {
		free(req->body_text);
		req->body_len = b.len;
		req->body_text = rd_buf_take(&b);
	}
	rd_buf_free(&b);
	return e;
}

/* Runs a statement whose one row, one column is the response body (role JSON). */
static enum rd_err call_body(struct rd_req *req, struct rd_stmt *stmt, const char *const *params)
{
	struct rd_res *res = NULL;
	enum rd_err e;

	e = role_db(req, stmt, params, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 0)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	e = role_body(req, rd_res_value(res, 0, 0), (size_t)rd_res_len(res, 0, 0));
out:
	rd_res_free(res);
	return e;
}

static void states_param(struct rd_req *req, int *active, int *inactive, struct bad *b)
{
	json_t *st = json_object_get(req->params, "state");
	json_t *v;
	size_t i;

	*active = *inactive = 0;
	if (json_is_object(st)) {
		bad_set(b, "invalid parameter 'state': expected a list of states");
		return;
	}
	if (json_is_string(st)) {
		/* Canvas expects state[]; a single value is taken as a one-element list */
		*active = strcmp(json_string_value(st), "active") == 0;
		*inactive = strcmp(json_string_value(st), "inactive") == 0;
		return;
	}
	json_array_foreach(st, i, v) {
		if (!json_is_string(v))
			continue;
		if (strcmp(json_string_value(v), "active") == 0)
			*active = 1;
		else if (strcmp(json_string_value(v), "inactive") == 0)
			*inactive = 1;
	}
}

enum rd_err canvas_roles_list(struct rd_req *req)
{
	struct bad b = {{0}};
	struct rd_page pg = {1, 10};
	struct rd_res *res = NULL;
	char page[24], per_page[24], path[64];
	const char *params[7];
	int active, inactive, inherited;
	enum rd_err e;

	states_param(req, &active, &inactive, &b);
	inherited = bool_param(req, "show_inherited", &b);
	/* a bad page is Canvas' 404, raised by SQL after authorisation (page 0) */
	if (rd_page_canvas(req, &pg) != RD_OK)
		pg.page = 0;
	snprintf(page, sizeof page, "%lld", pg.page);
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	params[0] = account_ref(req);
	params[1] = b.msg[0] ? b.msg : NULL;
	params[2] = active ? "t" : "f";
	params[3] = inactive ? "t" : "f";
	params[4] = inherited ? "t" : "f";
	params[5] = page;
	params[6] = per_page;
	e = role_db(req, &rd_dbcanvas_roles_list, params, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	snprintf(path, sizeof path, "/api/v1/accounts/%lld/roles", rd_res_int(res, 0, 0));
	rd_page_canvas_link(req, path, &pg, rd_res_int(res, 0, 1));
	e = role_body(req, rd_res_value(res, 0, 2), (size_t)rd_res_len(res, 0, 2));
out:
	rd_res_free(res);
	return e;
}

enum rd_err canvas_roles_show(struct rd_req *req)
{
	const char *params[2];

	params[0] = account_ref(req);
	params[1] = role_ref(req);
	return call_body(req, &rd_dbcanvas_roles_show, params);
}

enum rd_err canvas_roles_create(struct rd_req *req)
{
	struct bad b = {{0}};
	const char *params[6];
	char *perms;
	enum rd_err e;

	params[0] = account_ref(req);
	/* Canvas: label.presence || role; a blank label of another type (false, [], {}) is no label */
	params[2] = json_is_string(json_object_get(req->params, "label")) ||
				    !blank(json_object_get(req->params, "label"))
			    ? str_param(req, "label", &b)
			    : NULL;
	params[3] = str_param(req, "role", &b);
	params[4] = str_param(req, "base_role_type", &b);
	perms = permissions_param(req, &b);
	params[5] = perms;
	params[1] = b.msg[0] ? b.msg : NULL;
	e = call_body(req, &rd_dbcanvas_roles_create, params);
	free(perms);
	return e;
}

/* With dry_run=true the same statement's preview: effects_after (its cursor) is the seventh parameter. */
enum rd_err canvas_roles_update(struct rd_req *req)
{
	struct bad b = {{0}};
	const char *params[6];
	char *perms;
	int dry = rd_req_dry_run(req);
	enum rd_err e;

	params[0] = account_ref(req);
	params[1] = role_ref(req);
	params[3] = str_param(req, "label", &b);
	perms = permissions_param(req, &b);
	params[4] = perms;
	params[5] = dry ? str_param(req, "effects_after", &b) : NULL;
	params[2] = b.msg[0] ? b.msg : NULL;
	e = call_body(req, dry ? &rd_dbcanvas_roles_update_dry_run : &rd_dbcanvas_roles_update, params);
	free(perms);
	return e;
}

enum rd_err canvas_roles_deactivate(struct rd_req *req)
{
	const char *params[2];

	params[0] = account_ref(req);
	params[1] = role_ref(req);
	return call_body(req, &rd_dbcanvas_roles_deactivate, params);
}

enum rd_err canvas_roles_activate(struct rd_req *req)
{
	const char *params[2];

	params[0] = account_ref(req);
	params[1] = role_ref(req);
	return call_body(req, &rd_dbcanvas_roles_activate, params);
}
