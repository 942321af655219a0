/*
 * api2 Collections. The handlers move values: the request's parameters go to one SQL function as one JSON
 * object; only the tree is shaped here (SQL answers the visible nodes flat, in id order).
 */
#include "api2_collections.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/api2_collections.h"
#include "../request.h"
#include "api2_util.h"

#define API2_COLLECTIONS_PATH "/api2/collections"

enum rd_err api2_collections_list(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_list(req, &rd_dbapi2_collections_list, p, 3, API2_COLLECTIONS_PATH);
	free(params);
	return e;
}

/*
 * Nests the flat node array (each node an object with an empty "children" array, ordered by id) under
 * their parents; a node whose parent is not in the array (invisible, or filtered out) is a top node.
 * Returns a new array of the top nodes, children in id order.
 */
static json_t *tree_nest(json_t *flat)
{
	json_t *by_id = json_object(), *top = json_array(), *node, *parent;
	const char *id, *parent_id;
	size_t i;

	json_array_foreach (flat, i, node) {
		id = json_string_value(json_object_get(node, "id"));
		if (id != NULL)
			json_object_set(by_id, id, node);
	}
	json_array_foreach (flat, i, node) {
		parent_id = json_string_value(json_object_get(node, "parent_id"));
		parent = parent_id != NULL ? json_object_get(by_id, parent_id) : NULL;
		if (parent != NULL && parent != node)
			json_array_append(json_object_get(parent, "children"), node);
		else
			json_array_append(top, node);
	}
	json_decref(by_id);
	return top;
}

enum rd_err api2_collections_tree(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	struct rd_res *res = NULL;
	json_t *flat = NULL;
	enum rd_err e;

	e = rd_req_db(req, &rd_dbapi2_collections_tree, p, &res);
	if (e != RD_OK)
		goto out;
	e = RD_ERR_INTERNAL;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 0))
		goto out;
	flat = json_loadb(rd_res_value(res, 0, 0), (size_t)rd_res_len(res, 0, 0), 0, NULL);
	if (!json_is_array(flat))
		goto out;
	json_decref(req->body);
	req->body = json_pack("{s:o}", "items", tree_nest(flat));
	e = RD_OK;
out:
	json_decref(flat);
	rd_res_free(res);
	free(params);
	return e;
}

enum rd_err api2_collections_get(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbapi2_collections_get, p);
}

enum rd_err api2_collections_create(struct rd_req *req)
{
	char *params = api2_params_text(req);
	const char *p[1] = {params};
	enum rd_err e;

	e = api2_answer_created(req, &rd_dbapi2_collections_create, p, API2_COLLECTIONS_PATH);
	free(params);
	return e;
}

static enum rd_err update(struct rd_req *req, const char *replace)
{
	char *params = api2_params_text(req);
	const char *p[3] = {req->pathv[0], params, replace};
	enum rd_err e;

	e = rd_req_db_json(req, &rd_dbapi2_collections_update, p);
	free(params);
	return e;
}

enum rd_err api2_collections_replace(struct rd_req *req)
{
	return update(req, "true");
}

enum rd_err api2_collections_update(struct rd_req *req)
{
	return update(req, "false");
}

enum rd_err api2_collections_delete(struct rd_req *req)
{
	const char *p[1] = {req->pathv[0]};

	return api2_answer_deleted(req, &rd_dbapi2_collections_delete, p);
}

/* ?user_id= as new JSON text (caller frees), NULL when absent. */
static char *user_param(const struct rd_req *req)
{
	json_t *v = json_object_get(req->params, "user_id");
	char *s;

	if (v == NULL)
		return NULL;
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		abort();
	return s;
}

enum rd_err api2_collections_permissions(struct rd_req *req)
{
	char *user = user_param(req);
	const char *p[2] = {req->pathv[0], user};
	enum rd_err e;

	e = rd_req_db_json(req, &rd_dbapi2_collections_permissions, p);
	free(user);
	return e;
}

enum rd_err api2_collections_explain(struct rd_req *req)
{
	char *user = user_param(req);
	const char *p[3] = {req->pathv[0], req->pathv[1], user};
	enum rd_err e;

	e = rd_req_db_json(req, &rd_dbapi2_collections_explain, p);
	free(user);
	return e;
}
