/*
 * Shared plumbing of the api2 collections, groups, users and memberships handlers (api2-collections.md).
 * Each request is ONE statement calling ONE api.* function; the request's parameters go to it as one
 * JSON object, so that authorization, validation (every invalid field at once) and the work happen in SQL in
 * the order the spec gives, in one round trip.
 */
#ifndef RD_HANDLERS_API2_UTIL_H
#define RD_HANDLERS_API2_UTIL_H

#include "../errors.h"

struct rd_req;
struct rd_stmt;

/* The request's parameter tree (query + body) as new JSON text; the caller frees it. Never NULL. */
char *api2_params_text(const struct rd_req *req);

/*
 * A paged list: stmt takes (nparams - 2) given params, then page and per_page, and answers one row
 * (total, items) where total is what the links need. Answers {"items": [...], "links": {...}} for path.
 */
enum rd_err api2_answer_list(struct rd_req *req, struct rd_stmt *stmt, const char *const *params, int nparams,
			     const char *path) __attribute__((warn_unused_result));

/* A create: stmt answers one row (id, body); 200 with the body and Location: <path>/<id>. */
enum rd_err api2_answer_created(struct rd_req *req, struct rd_stmt *stmt, const char *const *params,
				const char *path) __attribute__((warn_unused_result));

/* A delete: 204 whether or not stmt deleted anything. */
enum rd_err api2_answer_deleted(struct rd_req *req, struct rd_stmt *stmt, const char *const *params)
	__attribute__((warn_unused_result));

#endif
