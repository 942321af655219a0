#define _GNU_SOURCE
#include "request.h"
#include "params.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "params.h"

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (d == NULL)
		abort(); /* out of memory ends the worker; the supervisor replaces it */
	return d;
}

void rd_req_header(struct rd_req *req, const char *name, const char *value)
{
	if (req->nheaders >= RD_MAX_HEADERS)
		return;
	req->headers[req->nheaders].name = xstrdup(name);
	req->headers[req->nheaders].value = xstrdup(value);
	req->nheaders++;
}

void rd_req_body_text(struct rd_req *req, const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	copy[len] = '\0';
	free(req->body_text);
	req->body_text = copy;
	req->body_len = len;
}

enum rd_err rd_req_fail(struct rd_req *req, enum rd_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req->err_message, sizeof req->err_message, fmt, ap);
	va_end(ap);
	return err;
}

enum rd_err rd_req_db(struct rd_req *req, struct rd_stmt *stmt, const char *const *params, struct rd_res **out)
{
	struct rd_dberr dberr;
	enum rd_err e;

	memset(&dberr, 0, sizeof dberr);
	e = rd_db_call(req->db, &req->ctx, stmt, params, out, &dberr);
	if (e == RD_OK)
		return RD_OK;
	snprintf(req->err_message, sizeof req->err_message, "%s", dberr.message);
	json_decref(req->err_detail);
	req->err_detail = NULL;
	if (dberr.detail[0] != '\0')
		req->err_detail = json_loads(dberr.detail, JSON_DECODE_ANY, NULL);
	if (strcmp(dberr.sqlstate, "40P01") == 0 || strcmp(dberr.sqlstate, "40001") == 0)
		req->err_transient = 1;
	if (e == RD_ERR_INTERNAL || e == RD_ERR_UNAVAILABLE || e == RD_ERR_TIMEOUT) {
		/* Server-side text is for the log, never for the client. */
		rd_log("error", "request %s: database error %s: %s", req->request_id ? req->request_id : "-",
		       dberr.sqlstate, dberr.message);
		req->err_message[0] = '\0';
	}
	return e;
}

enum rd_err rd_req_db_json(struct rd_req *req, struct rd_stmt *stmt, const char *const *params)
{
	struct rd_res *res = NULL;
	enum rd_err e;

	e = rd_req_db(req, stmt, params, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 0)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	rd_req_body_text(req, rd_res_value(res, 0, 0), (size_t)rd_res_len(res, 0, 0));
out:
	rd_res_free(res);
	return e;
}

const char *rd_req_str(const struct rd_req *req, const char *key)
{
	return rd_params_str(json_object_get(req->params, key));
}

int rd_req_dry_run(const struct rd_req *req)
{
	return rd_params_truthy(json_object_get(req->params, "dry_run"));
}

void rd_req_reset(struct rd_req *req)
{
	struct rd_db *db = req->db;
	int i;

	free(req->path);
	free(req->host);
	free(req->query);
	free(req->host_header);
	free(req->request_id);
	json_decref(req->params);
	for (i = 0; i < req->npathv; i++)
		free(req->pathv[i]);
	json_decref(req->body);
	free(req->body_text);
	for (i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	json_decref(req->err_detail);
	free(req->idem_key);
	free(req->idem_body);
	memset(req, 0, sizeof *req);
	req->db = db;
}
