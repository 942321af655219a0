#define _GNU_SOURCE
#include "accounts_util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/db.h"
#include "../buf.h"
#include "../request.h"

static enum rd_err scalar_text(struct rd_req *req, json_t *v, const char *name, struct acct_param *out)
{
	if (json_is_string(v)) {
		out->s = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(out->num, sizeof out->num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		out->s = out->num;
	} else if (json_is_null(v)) {
		out->s = "";
	} else {
		return rd_req_fail(req, RD_ERR_BAD_REQUEST, "invalid value for parameter '%s'", name);
	}
	return RD_OK;
}

enum rd_err acct_param(struct rd_req *req, const char *obj, const char *key, struct acct_param *out)
{
	json_t *scope = req->params, *v;
	char name[96];

	out->s = NULL;
	out->num[0] = '\0';
	if (obj != NULL) {
		scope = json_object_get(req->params, obj);
		if (scope == NULL || json_is_null(scope))
			return RD_OK;
		if (!json_is_object(scope))
			return rd_req_fail(req, RD_ERR_BAD_REQUEST, "invalid value for parameter '%s'", obj);
		snprintf(name, sizeof name, "%s[%s]", obj, key);
	} else {
		snprintf(name, sizeof name, "%s", key);
	}
	v = json_object_get(scope, key);
	if (v == NULL)
		return RD_OK;
	return scalar_text(req, v, name, out);
}

enum rd_err acct_param_list(struct rd_req *req, const char *key, size_t max, char **out)
{
	json_t *v = json_object_get(req->params, key), *list = NULL, *e;
	struct acct_param p;
	enum rd_err err = RD_ERR_BAD_REQUEST;
	size_t i;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return RD_OK;
	list = json_array();
	if (json_is_array(v)) {
		if (json_array_size(v) > max) {
			err = rd_req_fail(req, RD_ERR_BAD_REQUEST, "too many values for parameter '%s[]'", key);
			goto out;
		}
		json_array_foreach(v, i, e) {
			if (json_is_null(e) || (err = scalar_text(req, e, key, &p)) != RD_OK) {
				err = rd_req_fail(req, RD_ERR_BAD_REQUEST, "invalid value for parameter '%s[]'", key);
				goto out;
			}
			json_array_append_new(list, json_string(p.s));
		}
	} else {
		if ((err = scalar_text(req, v, key, &p)) != RD_OK)
			goto out;
		json_array_append_new(list, json_string(p.s));
	}
	*out = json_dumps(list, JSON_COMPACT);
	if (*out == NULL)
		abort();
	err = RD_OK;
out:
	json_decref(list);
	return err;
}

enum rd_err acct_keyset_page(struct rd_req *req, struct rd_page *pg, const char **token)
{
	json_t *page = json_object_get(req->params, "page");
	enum rd_err e;

	long long n;

	*token = NULL;
	if (page != NULL && !json_is_null(page)) {
		if (json_is_integer(page) && json_integer_value(page) == 1) {
			/* first page */
		} else if (!json_is_string(page)) {
			return RD_ERR_PAGE_NOT_FOUND;
		} else if (rd_page_ruby_integer(json_string_value(page), &n)) {
			/* a page number as the numbered lists read it ("+2", "010"); SQL takes its decimal form (and
			 * refuses one below 1 as no page, after authorisation) */
			if (n < 1) {
				*token = json_string_value(page);
			} else if (n > 1) {
				snprintf(req->page_number, sizeof req->page_number, "%lld", n);
				*token = req->page_number;
			}
		} else if (strncmp(json_string_value(page), "bk", 2) == 0) {
			*token = json_string_value(page);
		} else if (strcmp(json_string_value(page), "first") != 0) {
			/* no bookmark and no page number in Integer()'s sense ("08", "2abc", ""): SQL would read
			 * digits as a page number, so it gets one it refuses (404 after authorisation) */
			*token = "0";
		}
	}
	/* per_page rules are rd_page_canvas's; it must not see the bookmark, which is not a page number */
	json_incref(page);
	json_object_del(req->params, "page");
	e = rd_page_canvas(req, pg);
	if (page != NULL)
		json_object_set_new(req->params, "page", page);
	return e;
}

enum rd_err acct_answer_list(struct rd_req *req, struct rd_stmt *stmt, const char *const *params,
			     const struct rd_page *pg, const char *token, const char *suffix)
{
	struct rd_res *res = NULL;
	struct rd_buf path = {0};
	enum rd_err e;

	e = rd_req_db(req, stmt, params, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 1)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	rd_buf_printf(&path, "/api/v1/accounts/%lld%s", rd_res_int(res, 0, 0), suffix);
	rd_page_canvas_link_keyset(req, path.p, pg, token,
				   rd_res_isnull(res, 0, 2) ? NULL : rd_res_value(res, 0, 2));
	rd_req_body_text(req, rd_res_value(res, 0, 1), (size_t)rd_res_len(res, 0, 1));
out:
	rd_buf_free(&path);
	rd_res_free(res);
	return e;
}

void acct_warn_ignored(struct rd_req *req, const char *ns, const char *const *known)
{
	json_t *given = json_object_get(req->params, ns), *body = NULL, *warnings, *v;
	const char *key;
	char name[300], msg[400];
	size_t i;
	int added = 0;

	if (!json_is_object(given) || req->body_text == NULL || (req->status != 0 && req->status != 200))
		return;
	json_object_foreach(given, key, v) {
		for (i = 0; known[i] != NULL && strcmp(known[i], key) != 0; i++)
			;
		if (known[i] != NULL)
			continue;
		if (body == NULL) {
			body = json_loads(req->body_text, 0, NULL);
			if (!json_is_object(body))
				break;
		}
		warnings = json_object_get(body, "warnings");
		if (!json_is_array(warnings)) {
			warnings = json_array();
			json_object_set_new(body, "warnings", warnings);
		}
		snprintf(name, sizeof name, "%s[%s]", ns, key);
		snprintf(msg, sizeof msg, "rolesd does not keep %s; it was ignored", name);
		json_array_append_new(warnings, json_pack("{s:s,s:b,s:s,s:s}", "setting", name, "ignored", 1,
							  "reason", "unknown_setting", "message", msg));
		added = 1;
	}
	if (added && json_is_object(body)) {
		char *text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (text == NULL)
			abort();
		rd_req_body_text(req, text, strlen(text));
		free(text);
	}
	json_decref(body);
}
