/*
 * libFuzzer target for path splitting and routing (fcgi/router.c over the real table of fcgi/routes.c).
 * Input: "METHOD\nREQUEST_URI" (a C string, as FastCGI hands it over). Properties: a match has the
 * request's method, at most RD_MAX_PATH_PARAMS captures, each valid UTF-8; and the round trip: the
 * route's pattern with its captures percent-encoded again routes to the same row with the same captures.
 */
#define _GNU_SOURCE
#include <string.h>

#include "../../fcgi/buf.h"
#include "../../fcgi/params.h"
#include "../../fcgi/request.h"
#include "../../fcgi/router.h"
#include "fuzz.h"

/* Fills req as the worker does from a method and REQUEST_URI: path up to '?', query after it. */
static void req_from(struct rd_req *req, const char *method, const char *uri)
{
	const char *q = strchr(uri, '?');

	memset(req, 0, sizeof *req);
	req->method = method;
	req->path = q ? strndup(uri, (size_t)(q - uri)) : strdup(uri);
	req->query = strdup(q ? q + 1 : "");
	if (req->path == NULL || req->query == NULL)
		abort();
}

/* The route's pattern with each capture %XX-encoded byte by byte (new string). */
static char *rebuild(const struct rd_route *r, char *const *caps)
{
	struct rd_buf b = {0};
	const char *p = r->pattern;
	int n = 0;

	while (*p != '\0') {
		if (p[0] == '/' && p[1] == ':') {
			const unsigned char *c = (const unsigned char *)caps[n++];
			rd_buf_puts(&b, "/");
			for (; *c; c++)
				rd_buf_printf(&b, "%%%02X", *c);
			p = strchr(p + 1, '/');
			if (p == NULL)
				break;
		} else {
			rd_buf_append(&b, p, 1);
			p++;
		}
	}
	return rd_buf_take(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size), *nl, *uri;
	struct rd_req req, again;
	enum rd_err e;
	int i;

	if (s == NULL)
		abort();
	nl = strchr(s, '\n');
	uri = nl ? nl + 1 : s;
	if (nl)
		*nl = '\0';
	req_from(&req, nl ? s : "GET", uri);
	e = rd_router_match(rd_routes, &req);
	FUZZ_ASSERT(e == RD_OK || e == RD_ERR_METHOD || e == RD_ERR_NO_ROUTE || e == RD_ERR_NOT_FOUND);
	FUZZ_ASSERT(e != RD_ERR_NOT_FOUND || req.route == NULL); /* an undecodable id: no handler runs */
	if (e == RD_OK) {
		char *path;
		FUZZ_ASSERT(req.route != NULL && strcmp(req.route->method, req.method) == 0);
		FUZZ_ASSERT(req.npathv >= 0 && req.npathv <= RD_MAX_PATH_PARAMS);
		for (i = 0; i < req.npathv; i++)
			FUZZ_ASSERT(rd_params_utf8_valid(req.pathv[i], strlen(req.pathv[i])));
		path = rebuild(req.route, req.pathv);
		req_from(&again, req.method, path);
		FUZZ_ASSERT(rd_router_match(rd_routes, &again) == RD_OK);
		FUZZ_ASSERT(again.route == req.route && again.npathv == req.npathv);
		for (i = 0; i < req.npathv; i++)
			FUZZ_ASSERT(strcmp(again.pathv[i], req.pathv[i]) == 0);
		rd_req_reset(&again);
		free(path);
	} else if (e == RD_ERR_METHOD) {
		FUZZ_ASSERT(req.nheaders == 1 && strcmp(req.headers[0].name, "Allow") == 0);
	}
	rd_req_reset(&req);
	free(s);
	return 0;
}
