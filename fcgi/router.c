/*
 * Route lookup: a linear scan of the static table (a few dozen rows; a scan beats any structure here).
 */
#define _GNU_SOURCE
#include "router.h"

#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "request.h"

/*
 * Percent-decodes one path segment into a new string. Returns NULL for a malformed escape, an encoded
 * NUL or invalid UTF-8; such a segment matches no route (404: no resource can have that name).
 */
static char *decode_segment(const char *s, size_t len)
{
	char *out = NULL;
	size_t n = 0;

	if (rd_params_pct_decode(s, len, 0, &out, &n) != 0)
		return NULL;
	if (memchr(out, '\0', n) != NULL || !rd_params_utf8_valid(out, n)) {
		free(out);
		return NULL;
	}
	return out;
}

/*
 * Matches path against pattern; on success stores up to RD_MAX_PATH_PARAMS captures (new strings) when caps
 * is not NULL. A capture that does not decode (bad escape, NUL, invalid UTF-8) never matches.
 */
static int match_as(const char *pattern, const char *path, size_t pathlen, char **caps, int *ncaps, int decode);

static int match(const char *pattern, const char *path, size_t pathlen, char **caps, int *ncaps)
{
	return match_as(pattern, path, pathlen, caps, ncaps, 1);
}

/* decode 0: the path has the pattern's shape, whether or not its captures decode (caps must be NULL). */
static int match_as(const char *pattern, const char *path, size_t pathlen, char **caps, int *ncaps, int decode)
{
	const char *p = pattern, *s = path, *end = path + pathlen;
	int n = 0;

	while (*p != '\0' && s < end) {
		if (*p != '/' || *s != '/')
			goto fail;
		p++;
		s++;
		const char *pseg_end = strchr(p, '/');
		const char *sseg_end = memchr(s, '/', (size_t)(end - s));
		size_t plen = pseg_end ? (size_t)(pseg_end - p) : strlen(p);
		size_t slen = sseg_end ? (size_t)(sseg_end - s) : (size_t)(end - s);

		if (*p == ':') {
			char *cap;

			if (slen == 0 || n >= RD_MAX_PATH_PARAMS)
				goto fail;
			if (!decode) {
				n++;
				p += plen;
				s += slen;
				continue;
			}
			/* decoded also when only asked whether the path matches: an undecodable segment is a 404 on
			 * every route, not a 405 from a row of another method whose Allow omits this one */
			cap = decode_segment(s, slen);
			if (cap == NULL)
				goto fail;
			if (caps != NULL)
				caps[n] = cap;
			else
				free(cap);
			n++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			goto fail;
		}
		p += plen;
		s += slen;
	}
	if (*p != '\0' || s != end)
		goto fail;
	*ncaps = n;
	return 1;
fail:
	if (caps != NULL)
		while (n-- > 0) {
			free(caps[n]);
			caps[n] = NULL;
		}
	return 0;
}

static int has_json_suffix(const char *path, size_t len)
{
	return len > 5 && memcmp(path + len - 5, ".json", 5) == 0;
}

/*
 * Rails' Journey::Router::Utils.normalize_path, for Canvas paths (leading slashes included): runs of '/'
 * become one and a trailing '/' is dropped, so that /api/v1/accounts/1/roles/, /api/v1/accounts//1/roles and
 * //api/v1/accounts/1/roles are the routes Canvas answers for them. In place (the path only shrinks); an encoded slash (%2F) is part of its segment and stays.
 */
static void normalize_canvas_path(char *path)
{
	char *in = path, *out = path;
	size_t lead = strspn(path, "/");

	if (lead == 0 || strncmp(path + lead - 1, "/api/", 5) != 0)
		return;
	for (; *in != '\0'; in++) {
		if (*in == '/' && out > path && out[-1] == '/')
			continue;
		*out++ = *in;
	}
	if (out - path > 1 && out[-1] == '/')
		out--;
	*out = '\0';
}

static int literal_segments(const char *pattern)
{
	int n = 0;

	for (; *pattern != '\0'; pattern++)
		if (*pattern == '/' && pattern[1] != ':')
			n++;
	return n;
}

/*
 * api2: a path that a pattern with a literal segment names (/api2/roles/count, /api2/collections/tree) is that
 * resource for every method, not an :id of the pattern beside it: only the rows with the most literal
 * segments among those matching the path count (another method is a 405 with their Allow). Canvas keeps
 * Rails' rule, the first row of the method that matches.
 */
static int api2_specificity(const struct rd_route *table, const struct rd_req *req, size_t len)
{
	const struct rd_route *r;
	int best = 0, ncaps;

	for (r = table; r->method != NULL; r++)
		if (r->surface == RD_SURFACE_API2 && literal_segments(r->pattern) > best &&
		    match(r->pattern, req->path, len, NULL, &ncaps))
			best = literal_segments(r->pattern);
	return best;
}

enum rd_err rd_router_match(const struct rd_route *table, struct rd_req *req)
{
	const struct rd_route *r, *path_hit = NULL;
	size_t len;
	char allow[128] = "";
	int ncaps, pass, api2_best;

	normalize_canvas_path(req->path);
	len = strlen(req->path);
	api2_best = api2_specificity(table, req, len);

	/* pass 0: the path as given; pass 1: without a trailing .json (Canvas routes only) */
	for (pass = 0; pass < 2; pass++) {
		size_t plen = len;
		if (pass == 1) {
			if (!has_json_suffix(req->path, len))
				break;
			plen = len - 5;
		}
		for (r = table; r->method != NULL; r++) {
			if (pass == 1 && r->surface != RD_SURFACE_CANVAS)
				continue;
			/* Canvas (Rails) always reads ".json" as the format, never as part of a trailing :capture */
			if (pass == 0 && r->surface == RD_SURFACE_CANVAS && has_json_suffix(req->path, len))
				continue;
			if (r->surface == RD_SURFACE_API2 && literal_segments(r->pattern) < api2_best)
				continue;
			if (!match(r->pattern, req->path, plen, NULL, &ncaps))
				continue;
			if (strcmp(r->method, req->method) != 0) {
				if (path_hit == NULL)
					path_hit = r;
				if (strstr(allow, r->method) == NULL && strlen(allow) + strlen(r->method) + 3 < sizeof allow) {
					if (allow[0] != '\0')
						strcat(allow, ", ");
					strcat(allow, r->method);
				}
				continue;
			}
			if (!match(r->pattern, req->path, plen, req->pathv, &ncaps))
				continue; /* undecodable capture: no such resource */
			req->npathv = ncaps;
			req->route = r;
			req->surface = r->surface;
			req->path[plen] = '\0';
			return RD_OK;
		}
		if (path_hit != NULL)
			break;
	}
	if (path_hit != NULL) {
		req->surface = path_hit->surface;
		rd_req_header(req, "Allow", allow);
		return RD_ERR_METHOD;
	}
	/*
	 * A path of a route's shape whose id does not decode (bad escape, NUL, invalid UTF-8) names no resource:
	 * a 404 of that route, which the worker answers after the host and the token (a bad token is a 401
	 * first, canvas-roles.md §2.1), unlike a path no route has.
	 */
	for (r = table; r->method != NULL; r++)
		if (strcmp(r->method, req->method) == 0 && match_as(r->pattern, req->path, len, NULL, &ncaps, 0)) {
			req->surface = r->surface;
			return RD_ERR_NOT_FOUND;
		}
	/* Shape the 404 by prefix so a Canvas client gets a Canvas body and an api2 client an api2 one. */
	if (strncmp(req->path, "/api2/", 6) == 0 || strcmp(req->path, "/api2") == 0)
		req->surface = RD_SURFACE_API2;
	else if (strncmp(req->path, "/api/", 5) == 0)
		req->surface = RD_SURFACE_CANVAS;
	return RD_ERR_NO_ROUTE;
}
