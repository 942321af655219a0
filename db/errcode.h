/*
 * The one error enum of rolesd (RD_OK = 0). It lives below both layers: db/ produces codes (SQLSTATE is
 * translated once, in db/db.c) and handlers return them; fcgi/errors.c is the one place that turns a code
 * into HTTP. The comments name the status each code becomes there.
 */
#ifndef RD_ERRCODE_H
#define RD_ERRCODE_H

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

#endif
