#define _GNU_SOURCE
#include "idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../db/idempotency.h"
#include "buf.h"
#include "log.h"
#include "request.h"

#define TEXT_PLAIN "text/plain; charset=utf-8"

int rd_idem_wanted(struct rd_req *req, const char *key, enum rd_err *e)
{
	size_t i, n;

	if (key == NULL || key[0] == '\0' || req->route == NULL ||
	    (req->surface != RD_SURFACE_CANVAS && req->surface != RD_SURFACE_API2) ||
	    (strcmp(req->method, "POST") != 0 && strcmp(req->method, "PUT") != 0 &&
	     strcmp(req->method, "PATCH") != 0 && strcmp(req->method, "DELETE") != 0) ||
	    rd_req_dry_run(req)) /* a preview writes nothing: nothing to replay */
		return 0;
	n = strlen(key);
	for (i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			break;
	if (n > 255 || i < n) {
		*e = rd_req_fail(req, RD_ERR_BAD_REQUEST, "Idempotency-Key must be 1 to 255 visible ASCII characters");
		return 0;
	}
	req->idem_key = strdup(key);
	if (req->idem_key == NULL)
		abort();
	return 1;
}

/* Stored headers are "Name: value\n" lines; Content-Type among them only when it is not the default. */
static void replay(struct rd_req *req, int status, const char *headers, const char *body)
{
	char *copy = strdup(headers), *line, *save = NULL;

	if (copy == NULL)
		abort();
	req->status = status;
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, ": ");
		if (colon == NULL)
			continue;
		*colon = '\0';
		if (strcmp(line, "Content-Type") == 0)
			req->content_type = strcmp(colon + 2, TEXT_PLAIN) == 0 ? TEXT_PLAIN : NULL;
		else
			rd_req_header(req, line, colon + 2);
	}
	free(copy);
	rd_req_header(req, "Idempotent-Replayed", "true");
	rd_req_body_text(req, body, strlen(body));
}

int rd_idem_start(struct rd_req *req, int ttl_seconds, enum rd_err *e)
{
	char ttl[16];
	const char *params[3];
	struct rd_dberr dberr;
	struct rd_res *res = NULL;
	const char *state;
	int answered = 1;

	snprintf(ttl, sizeof ttl, "%d", ttl_seconds);
	params[0] = req->idem_key;
	params[1] = req->idem_fp;
	params[2] = ttl;
	if (rd_db_begin(req->db, &dberr) != RD_OK) {
		rd_log("error", "request %s: BEGIN: %s %s", req->request_id, dberr.sqlstate, dberr.message);
		*e = RD_ERR_UNAVAILABLE;
		return 1;
	}
	*e = rd_req_db(req, &rd_dbidem_begin, params, &res);
	if (*e != RD_OK) {
		/* an authentication failure: the handler answers it the same way, without the key */
		rd_db_rollback(req->db);
		answered = *e == RD_ERR_UNAVAILABLE || *e == RD_ERR_INTERNAL || *e == RD_ERR_TIMEOUT;
		req->err_message[0] = '\0';
		goto out;
	}
	state = rd_res_value(res, 0, 0);
	if (strcmp(state, "new") == 0) {
		req->idem_active = 1;
		answered = 0;
	} else if (strcmp(state, "replay") == 0) {
		rd_db_rollback(req->db);
		replay(req, (int)rd_res_int(res, 0, 1), rd_res_value(res, 0, 2), rd_res_value(res, 0, 3));
	} else {
		rd_db_rollback(req->db);
		*e = rd_req_fail(req, RD_ERR_UNPROCESSABLE, "Idempotency-Key was already used with another request");
		json_decref(req->err_detail); /* api2's shape lists it as an invalid field */
		req->err_detail = json_pack("[{s:s,s:s}]", "field", "Idempotency-Key", "message",
					    "was already used with another request");
	}
out:
	rd_res_free(res);
	return answered;
}

enum rd_err rd_idem_end(struct rd_req *req, const char *body_text)
{
	struct rd_buf h = {0};
	struct rd_dberr dberr;
	char status[16];
	const char *params[4];
	enum rd_err e;
	int i, st = req->status ? req->status : 200;

	if (!req->idem_active)
		return RD_OK;
	req->idem_active = 0;
	/* not kept: a server error, and a deadlock's 409 (the retry it calls for would only replay it) */
	if (st >= 500 || req->err_transient) {
		rd_db_rollback(req->db);
		return RD_OK;
	}
	if (req->content_type != NULL && strcmp(req->content_type, TEXT_PLAIN) == 0)
		rd_buf_printf(&h, "Content-Type: %s\n", TEXT_PLAIN);
	for (i = 0; i < req->nheaders; i++)
		rd_buf_printf(&h, "%s: %s\n", req->headers[i].name, req->headers[i].value);
	snprintf(status, sizeof status, "%d", st);
	params[0] = req->idem_key;
	params[1] = status;
	params[2] = h.p ? h.p : "";
	/* a token's creation hands in its answer without the token (fcgi/handlers/tokens.c: req->idem_body) */
	params[3] = body_text ? body_text : "";
	e = rd_req_db(req, &rd_dbidem_finish, params, NULL);
	rd_buf_free(&h);
	if (e != RD_OK) {
		rd_db_rollback(req->db);
		return RD_ERR_UNAVAILABLE;
	}
	if (rd_db_commit(req->db, &dberr) != RD_OK) {
		rd_log("error", "request %s: COMMIT: %s %s", req->request_id, dberr.sqlstate, dberr.message);
		return RD_ERR_UNAVAILABLE;
	}
	return RD_OK;
}
