/*
 * One request: what came in, the parameter tree, the database context, and what goes out.
 * Lives for one FastCGI request; everything hanging off it is freed by rd_req_reset().
 */
#ifndef RD_REQUEST_H
#define RD_REQUEST_H

#include <jansson.h>
#include <stddef.h>

#include "errors.h"
#include "../db/db.h"

#define RD_MAX_PATH_PARAMS 6
#define RD_MAX_HEADERS 12

struct rd_route;

struct rd_header {
	char *name;
	char *value;
};

struct rd_req {
	/* in (strings owned by the request; valid until rd_req_reset) */
	const char *method;
	char *path;          /* URL path, trailing ".json" removed on Canvas routes */
	char *host;          /* lower-case, port removed */
	const char *scheme;  /* "http" or "https" */
	char *query;         /* raw query string ("" if none) */
	char *host_header;   /* host as sent (with port), for absolute Link URLs */
	int host_mismatch;   /* Host header and request line name different hosts (fcgi/host.h): 400 */
	int host_malformed;  /* Host header with a port that is not a number (fcgi/host.h): 400 */
	char *request_id;
	json_t *params;      /* query + body, one tree (rd_params_*) */
	char *pathv[RD_MAX_PATH_PARAMS]; /* :captures of the route pattern, percent-decoded */
	int npathv;
	const struct rd_route *route;
	enum rd_surface surface; /* error shape; set by the router even when no route matched */
	char token_hash[65]; /* hex SHA-256 of the presented token; "" when none */
	char *idem_key;      /* Idempotency-Key of a write taking part (fcgi/idempotency.h), else NULL */
	char idem_fp[65];    /* SHA-256 of method, path, query and body */
	char page_number[24]; /* a keyset list's page number in decimal (acct_keyset_page) */
	int idem_active;     /* 1 between rd_idem_start (key claimed) and rd_idem_end */
	char *idem_body;     /* the answer to store with the key when the one sent holds a secret, else NULL */

	/* database */
	struct rd_db *db;
	struct rd_dbctx ctx;

	/* out */
	int status;          /* 0 = 200 */
	json_t *body;        /* JSON body (owned), or */
	char *body_text;     /* a ready JSON text (owned, malloc'd), e.g. built by SQL */
	size_t body_len;
	const char *content_type; /* default application/json; charset=utf-8 */
	struct rd_header headers[RD_MAX_HEADERS];
	int nheaders;

	/* error detail for rd_errors_render */
	char err_message[256];
	json_t *err_detail;  /* owned */
	int err_transient;   /* the error was a deadlock or serialization failure (40P01, 40001): a 409 that a
	                      * retry may not get, so an Idempotency-Key does not keep it */
	enum rd_err err;
};

/* Adds a response header (both strings copied). Silently drops headers past RD_MAX_HEADERS. */
void rd_req_header(struct rd_req *req, const char *name, const char *value);

/* Sets a copy of text (len bytes) as the response body. */
void rd_req_body_text(struct rd_req *req, const char *text, size_t len);

/* Sets err_message (printf-style) and returns err, so handlers can `return rd_req_fail(req, E, "...")`. */
enum rd_err rd_req_fail(struct rd_req *req, enum rd_err err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Runs stmt through the request's connection and context (db/db.h rd_db_call). On failure copies the
 * database's message into err_message and parses its DETAIL (JSON, when the SQL function raised one)
 * into err_detail, and returns the mapped error.
 */
enum rd_err rd_req_db(struct rd_req *req, struct rd_stmt *stmt, const char *const *params,
		      struct rd_res **out) __attribute__((warn_unused_result));

/* Runs stmt and answers its one row's first column (JSON text made by SQL) as the body. */
enum rd_err rd_req_db_json(struct rd_req *req, struct rd_stmt *stmt, const char *const *params)
	__attribute__((warn_unused_result));

/* Parameter helpers over req->params. */
const char *rd_req_str(const struct rd_req *req, const char *key); /* string value or NULL */
/* Whether the write is a preview (dry_run=true, a Canvas boolean): it answers its effects and writes nothing. */
int rd_req_dry_run(const struct rd_req *req);

/* Frees everything the request owns and zeroes it for the next one (keeps db). */
void rd_req_reset(struct rd_req *req);

#endif
