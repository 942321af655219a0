/*
 * The static route table and its dispatcher.
 *
 * Rows are {method, pattern, surface, handler, previews}; patterns are literal segments and
 * ":name" captures (one segment each, percent-decoded into req->pathv in order). The permission an
 * endpoint requires is its api.* function's own (migrations/functions/90_api.sql), never an argument: a
 * connection as the application role cannot ask for a weaker check.
 */
#ifndef RD_ROUTER_H
#define RD_ROUTER_H

#include "errors.h"

struct rd_req;

typedef enum rd_err (*rd_handler)(struct rd_req *req);

struct rd_route {
	const char *method;
	const char *pattern;
	enum rd_surface surface;
	rd_handler handler;
	int previews; /* 1: the write answers dry_run=true with a preview; any other write refuses it (400) */
};

/* The table, terminated by a row with method NULL (fcgi/routes.c). */
extern const struct rd_route rd_routes[];

/*
 * Finds the route for method + path. On a match sets req->route and the captures and returns RD_OK.
 * A path that matches some row with another method gives RD_ERR_METHOD and the Allow header; no match
 * at all gives RD_ERR_NO_ROUTE. A trailing ".json" is accepted on Canvas routes. The surface of the
 * closest match is recorded even on failure so the error has the right shape.
 */
enum rd_err rd_router_match(const struct rd_route *table, struct rd_req *req);

#endif
