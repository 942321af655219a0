/*
 * The one mapping from error codes to HTTP answers, per API surface.
 */
#define _GNU_SOURCE
#include "errors.h"

#include <stdio.h>
#include <string.h>

#include "request.h"

struct rd_error_def {
	const char *name;
	int status;
	const char *canvas; /* Canvas message (the default err_message) */
	const char *api2;   /* api2 message */
};

static const struct rd_error_def error_table[RD_ERR__COUNT] = {
	[RD_OK] = {"ok", 200, NULL, NULL},
	[RD_ERR_BAD_REQUEST] = {"bad_request", 400, "Bad request", "Bad request"},
	[RD_ERR_INVALID] = {"invalid", 400, "Invalid values", "Invalid values"},
	[RD_ERR_UNAUTHENTICATED] = {"unauthenticated", 401, "user authorization required",
				    "Authentication required: send an Authorization: Bearer token"},
	[RD_ERR_INVALID_TOKEN] = {"invalid_token", 401, "Invalid access token.", "Invalid access token."},
	[RD_ERR_FORBIDDEN] = {"unauthorized", 403, "user not authorized to perform that action",
			      "Only Administrator users may use this API"},
	[RD_ERR_NOT_FOUND] = {"not_found", 404, "The specified resource does not exist.",
			      "The specified resource does not exist."},
	[RD_ERR_ROLE_NOT_FOUND] = {"role_not_found", 404, "role not found", "Role not found"},
	[RD_ERR_PAGE_NOT_FOUND] = {"page_not_found", 404, "An error occurred.", "Page not found"},
	[RD_ERR_UNKNOWN_HOST] = {"unknown_host", 404, "The specified resource does not exist.", "Unknown site"},
	[RD_ERR_NO_ROUTE] = {"no_route", 404, "The specified resource does not exist.",
			     "The specified resource does not exist."},
	[RD_ERR_METHOD] = {"method_not_allowed", 405, "Method not allowed", "Method not allowed"},
	[RD_ERR_CONFLICT] = {"conflict", 409, "Conflict", "Conflict"},
	[RD_ERR_TOO_LARGE] = {"too_large", 413, "Request body too large", "Request body too large"},
	[RD_ERR_UNSUPPORTED] = {"unsupported_media_type", 415, "Unsupported content type",
				"Unsupported content type"},
	[RD_ERR_UNPROCESSABLE] = {"unprocessable", 422, "Invalid values", "Invalid values"},
	[RD_ERR_THROTTLED] = {"throttled", 403, "403 Forbidden (Rate Limit Exceeded)",
			      "Rate limit exceeded"},
	[RD_ERR_UNAVAILABLE] = {"unavailable", 503, "Service temporarily unavailable",
				"Service temporarily unavailable"},
	[RD_ERR_READ_ONLY] = {"read_only", 503, "This site is in read-only mode",
			      "This site is in read-only mode"},
	[RD_ERR_TIMEOUT] = {"timeout", 503, "The request took too long", "The request took too long"},
	[RD_ERR_INTERNAL] = {"internal", 500, "An error occurred.", "Internal error"},
};

static const struct rd_error_def *def_of(enum rd_err err)
{
	if ((int)err < 0 || err >= RD_ERR__COUNT || error_table[err].name == NULL)
		return &error_table[RD_ERR_INTERNAL];
	return &error_table[err];
}

int rd_errors_status(enum rd_err err)
{
	return def_of(err)->status;
}

const char *rd_errors_name(enum rd_err err)
{
	return def_of(err)->name;
}

static enum rd_surface surface_of(const struct rd_req *req)
{
	return req->surface;
}

/* Message for the body: the handler's or database's text when the code carries one, else the default. */
static const char *message_of(const struct rd_req *req, enum rd_err err, const char *dflt)
{
	switch (err) {
	case RD_ERR_BAD_REQUEST:
	case RD_ERR_INVALID_TOKEN:
	case RD_ERR_CONFLICT:
	case RD_ERR_UNPROCESSABLE:
	case RD_ERR_TOO_LARGE:
		return req->err_message[0] ? req->err_message : dflt;
	case RD_ERR_FORBIDDEN:
		/* api2's SQL names the reason; Canvas' text is fixed */
		return surface_of(req) == RD_SURFACE_API2 && req->err_message[0] ? req->err_message : dflt;
	default:
		return dflt;
	}
}

static json_t *canvas_errors(const char *message)
{
	return json_pack("{s:[{s:s}]}", "errors", "message", message);
}

static json_t *canvas_body(struct rd_req *req, enum rd_err err, const char *msg)
{
	json_t *body, *e;

	switch (err) {
	case RD_ERR_BAD_REQUEST:
	case RD_ERR_ROLE_NOT_FOUND:
	case RD_ERR_CONFLICT:
	case RD_ERR_UNPROCESSABLE:
		return json_pack("{s:s}", "message", msg);
	case RD_ERR_INVALID:
		/* the SQL function raised the complete Canvas model-error body as DETAIL */
		if (req->err_detail != NULL && json_is_object(req->err_detail))
			return json_incref(req->err_detail);
		return json_pack("{s:s}", "message", msg);
	case RD_ERR_UNAUTHENTICATED:
		return json_pack("{s:s,s:[{s:s}]}", "status", "unauthenticated", "errors", "message", msg);
	case RD_ERR_FORBIDDEN:
		/* rolesd's addition: name the missing permission and where, so a client can ask /explain */
		e = json_pack("{s:s,s:s}", "message", msg, "error_code", "missing_permission");
		if (req->err_detail != NULL && json_is_object(req->err_detail)) {
			json_t *p = json_object_get(req->err_detail, "permission");
			json_t *a = json_object_get(req->err_detail, "account_id");
			if (p != NULL)
				json_object_set(e, "permission", p);
			if (a != NULL)
				json_object_set(e, "account_id", a);
		}
		body = json_pack("{s:s,s:[o]}", "status", "unauthorized", "errors", e);
		return body;
	case RD_ERR_PAGE_NOT_FOUND:
		return json_pack("{s:[{s:s,s:s}]}", "errors", "message", msg, "error_code", "not_found");
	default:
		return canvas_errors(msg);
	}
}

static json_t *api2_body(struct rd_req *req, enum rd_err err, const char *msg)
{
	json_t *body;

	if ((err == RD_ERR_INVALID || err == RD_ERR_UNPROCESSABLE) && req->err_detail != NULL &&
	    json_is_array(req->err_detail))
		return json_pack("{s:s,s:O}", "message", "Invalid values", "errors", req->err_detail);
	body = json_pack("{s:s}", "message", msg);
	/* a missing collection permission is named, with where (api2-collections.md §4), for /explain */
	if (err == RD_ERR_FORBIDDEN && req->err_detail != NULL && json_is_object(req->err_detail)) {
		json_t *p = json_object_get(req->err_detail, "permission");
		json_t *c = json_object_get(req->err_detail, "collection_id");
		if (json_is_string(p) && json_is_string(c)) {
			json_object_set(body, "permission", p);
			json_object_set(body, "collection_id", c);
		}
	}
	return body;
}

void rd_errors_render(struct rd_req *req, enum rd_err err)
{
	const struct rd_error_def *d = def_of(err);
	enum rd_surface surface = surface_of(req);
	const char *msg;
	json_t *body;

	req->err = err;
	req->status = d->status;
	if (surface == RD_SURFACE_API2 && (err == RD_ERR_INVALID || err == RD_ERR_UNPROCESSABLE))
		req->status = 422;
	msg = message_of(req, err, surface == RD_SURFACE_API2 ? d->api2 : d->canvas);

	json_decref(req->body);
	req->body = NULL;
	free(req->body_text);
	req->body_text = NULL;
	req->content_type = NULL;

	if (err == RD_ERR_THROTTLED && surface != RD_SURFACE_API2) {
		rd_req_body_text(req, msg, strlen(msg));
		req->content_type = "text/plain; charset=utf-8";
		rd_req_header(req, "X-Rate-Limit-Remaining", "0.0");
		return;
	}
	if (err == RD_ERR_UNAVAILABLE || err == RD_ERR_READ_ONLY || err == RD_ERR_TIMEOUT)
		rd_req_header(req, "Retry-After", "1");
	if ((err == RD_ERR_UNAUTHENTICATED || err == RD_ERR_INVALID_TOKEN) && surface == RD_SURFACE_CANVAS)
		rd_req_header(req, "WWW-Authenticate", "Bearer realm=\"canvas-lms\"");
	if ((err == RD_ERR_UNAUTHENTICATED || err == RD_ERR_INVALID_TOKEN) && surface == RD_SURFACE_API2)
		rd_req_header(req, "WWW-Authenticate", "Bearer");

	body = surface == RD_SURFACE_API2 ? api2_body(req, err, msg) : canvas_body(req, err, msg);
	req->body = body;
}
