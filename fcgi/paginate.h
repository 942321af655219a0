/*
 * Pagination for both surfaces.
 *
 * Canvas (canvas-conventions.md, canvas-roles.md §5.1-5.2): per_page default 10, clamped to 1..100
 * (non-numeric -> 0 -> 1); page absent -> 1; page 0, negative or non-numeric -> RD_ERR_PAGE_NOT_FOUND.
 * The Link header lists current, next, prev, first, last with absolute URLs that repeat every other query
 * parameter (Rails to_query order: keys sorted, arrays as k%5B%5D=v) except page, per_page,
 * access_token and api_key, and end in page=N&per_page=M. As Canvas, it stays within about 6 KB
 * (RD_PAGE_LINK_CAP) by leaving out first, current, prev and last in that order when a long query string
 * makes the links larger; next is always kept, so the value stays within RD_PAGE_LINK_MAX bytes (nginx
 * refuses request lines over 16k; re-encoding at most triples one; nginx's fastcgi_buffer_size, 64k in
 * nginx/rolesd.conf.in, must hold it with the other headers).
 *
 * api2 (api2-roles.md §4): per_page default 50, clamped 1..500; _p 1-based; links.self/prev/next are
 * root-relative URLs (prev/next null when there is no such page).
 */
#ifndef RD_PAGINATE_H
#define RD_PAGINATE_H

#include <jansson.h>

#include "errors.h"

struct rd_req;

#define RD_PAGE_LINK_MAX (56 * 1024)
#define RD_PAGE_LINK_CAP (6 * 1024)

struct rd_page {
	long long page;     /* 1-based */
	long long per_page;
};

enum rd_err rd_page_canvas(const struct rd_req *req, struct rd_page *pg) __attribute__((warn_unused_result));

/*
 * Ruby's Integer(s), as will_paginate reads a page number: surrounding whitespace, a sign, 0x / 0b / 0o / 0d
 * or a leading 0 (octal), single underscores between digits. 1 and *out on success, 0 when s is no integer.
 */
int rd_page_ruby_integer(const char *s, long long *out);

/* Sets the Link header for a list of `total` items at `path` (e.g. "/api/v1/accounts/1/roles"). */
void rd_page_canvas_link(struct rd_req *req, const char *path, const struct rd_page *pg, long long total);

/* As rd_page_canvas_link for keyset-paginated lists: next page token known, no last. next_token NULL = end. */
void rd_page_canvas_link_keyset(struct rd_req *req, const char *path, const struct rd_page *pg,
				const char *cur_token, const char *next_token);

enum rd_err rd_page_api2(const struct rd_req *req, struct rd_page *pg) __attribute__((warn_unused_result));

/* New {"self":..., "prev":..., "next":...} object for an api2 list of `total` items at path. */
json_t *rd_page_api2_links(const struct rd_req *req, const char *path, const struct rd_page *pg, long long total);

#endif
