/*
 * The one error enum of rolesd and its mapping to HTTP.
 *
 * Handlers and db/ return an enum rd_err (RD_OK = 0). rd_errors_render() is the only place that turns
 * a code into a status line and a body, in the error shape of the request's API surface (Canvas,
 * api2 or system). No handler prints a status or builds an error body itself.
 */
#ifndef RD_ERRORS_H
#define RD_ERRORS_H

enum rd_err {
	RD_OK = 0,
	RD_ERR_BAD_REQUEST,     /* 400; message in req->err_message (Canvas {"message":..}) */
	RD_ERR_INVALID,         /* validation: Canvas 400 / api2 422; structure in req->err_detail */
	RD_ERR_UNAUTHENTICATED, /* 401 no credentials where a user is needed */
	RD_ERR_INVALID_TOKEN,   /* 401 Invalid / Expired / Revoked access token. */
	RD_ERR_FORBIDDEN,       /* 403 missing permission; req->err_detail has permission, account_id */
	RD_ERR_NOT_FOUND,       /* 404 The specified resource does not exist. */
	RD_ERR_ROLE_NOT_FOUND,  /* 404 {"message":"role not found"} (Canvas roles) */
	RD_ERR_PAGE_NOT_FOUND,  /* 404 Canvas bad page number */
	RD_ERR_UNKNOWN_HOST,    /* 404 before anything else runs */
	RD_ERR_NO_ROUTE,        /* 404 no such path */
	RD_ERR_METHOD,          /* 405 path known, method not; Allow header set by the router */
	RD_ERR_CONFLICT,        /* 409 */
	RD_ERR_TOO_LARGE,       /* 413 body over the limit */
	RD_ERR_UNSUPPORTED,     /* 415 unknown body content type */
	RD_ERR_UNPROCESSABLE,   /* 422 */
	RD_ERR_THROTTLED,       /* 403 Canvas rate limit */
	RD_ERR_UNAVAILABLE,     /* 503 database unreachable; Retry-After */
	RD_ERR_READ_ONLY,       /* 503 tenant in read-only mode; Retry-After */
	RD_ERR_TIMEOUT,         /* 503 statement timeout */
	RD_ERR_INTERNAL,        /* 500 */
	RD_ERR__COUNT
};

enum rd_surface { RD_SURFACE_SYSTEM = 0, RD_SURFACE_CANVAS, RD_SURFACE_API2 };

struct rd_req;

/* HTTP status of a code (200 for RD_OK). */
int rd_errors_status(enum rd_err err);

/* Short stable name of a code, for logs ("not_found"). */
const char *rd_errors_name(enum rd_err err);

/*
 * Fills req's status, headers and body for err in the shape of req's surface, using req->err_message
 * and req->err_detail when the code carries them. Replaces any body the handler had set.
 */
void rd_errors_render(struct rd_req *req, enum rd_err err);

#endif
