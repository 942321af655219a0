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
 *
 * Every node is placed exactly once and never under itself: nodes are placed from the top nodes downwards,
 * and what that leaves (a parent_id cycle in forged data, and the nodes under it) is entered at the
 * lowest-id node of the cycle, which becomes a top node. Nesting by parent_id alone would hang the cycle's
 * nodes under each other, out of reach of the answer, and leak them (jansson references in a loop).
 */
static json_t *tree_nest(json_t *flat)
{
	size_t n = json_array_size(flat), i, j, head, tail;
	json_t *index = json_object(), *top = json_array(), *v;
	const char *id;
	long *parent = calloc(n + 1, sizeof *parent), *at = calloc(n + 1, sizeof *at);
	size_t *first = calloc(n + 2, sizeof *first), *kids = calloc(n + 1, sizeof *kids);
	size_t *queue = calloc(n + 1, sizeof *queue), *seen = calloc(n + 1, sizeof *seen);

	if (index == NULL || top == NULL || parent == NULL || at == NULL || first == NULL || kids == NULL ||
	    queue == NULL || seen == NULL)
		abort();
	for (i = 0; i < n; i++) {
		id = json_string_value(json_object_get(json_array_get(flat, i), "id"));
		if (id != NULL)
			json_object_set_new(index, id, json_integer((json_int_t)i));
	}
	/* parent[i]: the index of i's parent in the array, -1 for a top node; kids of p: kids[first[p] ..] */
	for (i = 0; i < n; i++) {
		id = json_string_value(json_object_get(json_array_get(flat, i), "parent_id"));
		v = id != NULL ? json_object_get(index, id) : NULL;
		parent[i] = v != NULL && (size_t)json_integer_value(v) != i ? (long)json_integer_value(v) : -1;
		if (parent[i] >= 0)
			first[parent[i] + 1]++;
	}
	for (i = 0; i < n; i++)
		first[i + 1] += first[i];
	for (i = 0; i < n; i++)
		if (parent[i] >= 0)
			kids[first[parent[i]] + at[parent[i]]++] = i;
	/* place breadth-first from the top nodes; at[i] becomes 1 + the index i is placed under (0: top) */
	memset(at, 0xff, (n + 1) * sizeof *at);
	head = tail = 0;
	for (i = 0; i < n; i++)
		if (parent[i] < 0) {
			at[i] = 0;
			queue[tail++] = i;
		}
	for (i = 0;; i++) {
		while (head < tail) {
			size_t p = queue[head++];
			for (j = first[p]; j < first[p + 1]; j++)
				if (at[kids[j]] < 0) {
					at[kids[j]] = (long)p + 1;
					queue[tail++] = kids[j];
				}
		}
		while (i < n && at[i] >= 0)
			i++;
		if (i >= n)
			break;
		/* i is on or under a cycle: walk up to the cycle, enter it at its lowest index */
		for (j = i; seen[j] != i + 1; j = (size_t)parent[j])
			seen[j] = i + 1;
		{
			size_t low = j, k;
			for (k = (size_t)parent[j]; k != j; k = (size_t)parent[k])
				if (k < low)
					low = k;
			at[low] = 0;
			queue[tail++] = low;
		}
	}
	for (i = 0; i < n; i++) {
		json_t *node = json_array_get(flat, i);
		if (at[i] == 0)
			json_array_append(top, node);
		else
			json_array_append(json_object_get(json_array_get(flat, (size_t)(at[i] - 1)), "children"), node);
	}
	json_decref(index);
	free(parent);
	free(at);
	free(first);
	free(kids);
	free(queue);
	free(seen);
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
