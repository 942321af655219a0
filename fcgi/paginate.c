#define _GNU_SOURCE
#include "paginate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "params.h"
#include "request.h"

/* Ruby's String#to_i: optional leading whitespace and sign, then digits; anything else stops. */
static long long ruby_to_i(const char *s, int *numeric)
{
	char *end;
	long long v;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (numeric)
		*numeric = end != s;
	if (errno == ERANGE)
		v = v < 0 ? -1 : 1000000000000LL;
	return v;
}

static long long param_int(const struct rd_req *req, const char *key, int *present, int *numeric)
{
	json_t *v = json_object_get(req->params, key);

	*present = v != NULL && !json_is_null(v);
	*numeric = 0;
	if (json_is_integer(v)) {
		*numeric = 1;
		return json_integer_value(v);
	}
	if (json_is_string(v))
		return ruby_to_i(json_string_value(v), numeric);
	return 0;
}

static long long clamp(long long v, long long lo, long long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int ruby_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

int rd_page_ruby_integer(const char *s, long long *out)
{
	int base = 10, neg = 0, digits = 0;
	long long v = 0;

	while (ruby_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && s[1] != '\0' && strchr("xXbBoOdD", s[1]) != NULL) {
		base = strchr("xX", s[1]) ? 16 : strchr("bB", s[1]) ? 2 : strchr("oO", s[1]) ? 8 : 10;
		s += 2;
	} else if (s[0] == '0' && (s[1] == '_' || (s[1] >= '0' && s[1] <= '9'))) {
		base = 8;
		s++;
		digits = 1; /* the leading 0 is a digit: "0_7" */
	}
	for (; *s != '\0'; s++) {
		if (*s == '_') {
			if (digits == 0 || s[1] == '_' || s[1] == '\0' || digit_value(s[1]) >= base)
				return 0;
			continue;
		}
		if (digit_value(*s) >= base)
			break;
		if (v < 1000000000000000LL)
			v = v * base + digit_value(*s);
		digits++;
	}
	while (ruby_space(*s))
		s++;
	if (*s != '\0' || digits == 0)
		return 0;
	*out = neg ? -v : v;
	return 1;
}

enum rd_err rd_page_canvas(const struct rd_req *req, struct rd_page *pg)
{
	json_t *page = json_object_get(req->params, "page");
	int present, numeric;
	long long v;

	v = param_int(req, "per_page", &present, &numeric);
	pg->per_page = present ? clamp(v, 1, 100) : 10;
	v = param_int(req, "page", &present, &numeric);
	/* will_paginate parses page with Integer(): "010" is 8, "0x2" 2, trailing garbage no page at all */
	if (present && json_is_string(page))
		numeric = rd_page_ruby_integer(json_string_value(page), &v);
	if (!present) {
		pg->page = 1;
	} else if (!numeric || v <= 0) {
		return RD_ERR_PAGE_NOT_FOUND;
	} else {
		pg->page = v;
	}
	return RD_OK;
}

enum rd_err rd_page_api2(const struct rd_req *req, struct rd_page *pg)
{
	int present, numeric;
	long long v;

	v = param_int(req, "per_page", &present, &numeric);
	pg->per_page = present ? clamp(v, 1, 500) : 50;
	v = param_int(req, "_p", &present, &numeric);
	pg->page = present ? clamp(v, 1, 1000000000LL) : 1;
	return RD_OK;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_empty_container(const json_t *v)
{
	return (json_is_array(v) && json_array_size(v) == 0) || (json_is_object(v) && json_object_size(v) == 0);
}

/*
 * Rails' Object#to_query of one value under key ns, appended to b: a hash's parts (empty hashes and arrays
 * left out) sorted unless ns holds "[]", an array's in their order, a scalar as one escaped k=v.
 */
static void to_query(json_t *v, const char *ns, struct rd_buf *b)
{
	if (json_is_object(v)) {
		const char *k;
		json_t *sub;
		char **parts = NULL;
		size_t n = 0, i;

		parts = calloc(json_object_size(v), sizeof *parts);
		if (parts == NULL)
			abort();
		json_object_foreach(v, k, sub) {
			struct rd_buf key = {0}, part = {0};
			if (is_empty_container(sub))
				continue;
			rd_buf_printf(&key, "%s[%s]", ns, k);
			to_query(sub, key.p, &part);
			rd_buf_free(&key);
			parts[n++] = rd_buf_take(&part);
		}
		if (n > 0 && strstr(ns, "[]") == NULL)
			qsort(parts, n, sizeof *parts, cmp_str);
		for (i = 0; i < n; i++) {
			if (i > 0)
				rd_buf_puts(b, "&");
			rd_buf_puts(b, parts[i]);
			free(parts[i]);
		}
		free(parts);
		return;
	}
	if (json_is_array(v)) {
		size_t i;
		json_t *sub;
		struct rd_buf key = {0};
		rd_buf_printf(&key, "%s[]", ns);
		json_array_foreach(v, i, sub) {
			if (i > 0)
				rd_buf_puts(b, "&");
			to_query(sub, key.p, b);
		}
		rd_buf_free(&key);
		return;
	}
	rd_buf_cgi_escape(b, ns);
	rd_buf_puts(b, "=");
	if (json_is_string(v))
		rd_buf_cgi_escape(b, json_string_value(v));
}

/*
 * The request's own query parameters, re-encoded for links: every key but those that the link sets or
 * that must never be echoed (access_token, api_key). Sorted like Rails' Hash#to_query.
 */
static char *other_query(const struct rd_req *req, const char *const *skip)
{
	json_t *q = json_object();
	struct rd_params_error perr;
	struct rd_buf out = {0};
	char **list = NULL;
	size_t n = 0, cap = 0, i;
	const char *k;
	json_t *v;

	if (req->query != NULL &&
	    rd_params_parse_query(q, req->query, strlen(req->query), &rd_params_default_limits, &perr) != RD_PARAMS_OK)
		json_object_clear(q);
	json_object_foreach(q, k, v) {
		const char *const *s;
		int skipped = 0;
		for (s = skip; *s != NULL; s++)
			if (strcmp(k, *s) == 0)
				skipped = 1;
		if (skipped || is_empty_container(v))
			continue;
		/* one string per top-level key, as Rails joins a value's parts before sorting */
		struct rd_buf joined = {0};
		to_query(v, k, &joined);
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			list = realloc(list, cap * sizeof *list);
			if (list == NULL)
				abort();
		}
		list[n++] = rd_buf_take(&joined);
	}
	if (n > 0)
		qsort(list, n, sizeof *list, cmp_str);
	for (i = 0; i < n; i++) {
		rd_buf_puts(&out, list[i]);
		rd_buf_puts(&out, "&");
		free(list[i]);
	}
	free(list);
	json_decref(q);
	return rd_buf_take(&out); /* "" or "a=1&b=2&" */
}

static const char *const canvas_skip[] = {"page", "per_page", "access_token", "api_key", NULL};

/* The rels a Canvas Link header may carry, in the order they are written. */
enum { REL_CURRENT, REL_NEXT, REL_PREV, REL_FIRST, REL_LAST, REL__COUNT };
static const char *const rel_names[REL__COUNT] = {"current", "next", "prev", "first", "last"};
/* Which rels are kept first when they do not all fit (Canvas' order, canvas-roles.md §5.2). */
static const int rel_priority[REL__COUNT] = {REL_NEXT, REL_LAST, REL_PREV, REL_CURRENT, REL_FIRST};

static void canvas_link(struct rd_buf *b, const struct rd_req *req, const char *path, const char *other,
			const char *page, long long per_page, const char *rel)
{
	rd_buf_printf(b, "<%s://%s%s?%spage=%s&per_page=%lld>; rel=\"%s\"", req->scheme ? req->scheme : "http",
		      req->host_header ? req->host_header : "", path, other, page, per_page, rel);
}

/*
 * Sets the Link header from the links built (links[r].p NULL: no such rel). Every link repeats the query
 * string; as Canvas does, the rels after next are taken in rel_priority order while the value stays within
 * RD_PAGE_LINK_CAP bytes, then written in Canvas' order. next is always kept (a client walks the list by
 * it), which RD_PAGE_LINK_MAX bounds. Frees the links.
 */
static void canvas_link_header(struct rd_req *req, struct rd_buf links[REL__COUNT])
{
	struct rd_buf b = {0};
	int keep[REL__COUNT] = {0};
	size_t total = 0;
	int i;

	for (i = 0; i < REL__COUNT; i++) {
		const struct rd_buf *l = &links[rel_priority[i]];
		size_t add = l->len + (total > 0 ? 1 : 0);
		if (l->p == NULL || total + add > (i == 0 ? RD_PAGE_LINK_MAX : RD_PAGE_LINK_CAP))
			continue;
		keep[rel_priority[i]] = 1;
		total += add;
	}
	for (i = 0; i < REL__COUNT; i++) {
		if (keep[i]) {
			if (b.len > 0)
				rd_buf_puts(&b, ",");
			rd_buf_append(&b, links[i].p, links[i].len);
		}
		rd_buf_free(&links[i]);
	}
	if (b.len > 0)
		rd_req_header(req, "Link", b.p);
	rd_buf_free(&b);
}

void rd_page_canvas_link(struct rd_req *req, const char *path, const struct rd_page *pg, long long total)
{
	char *other = other_query(req, canvas_skip);
	struct rd_buf links[REL__COUNT] = {{0}};
	long long last = total <= 0 ? 1 : (total + pg->per_page - 1) / pg->per_page;
	char num[24];

	snprintf(num, sizeof num, "%lld", pg->page);
	canvas_link(&links[REL_CURRENT], req, path, other, num, pg->per_page, rel_names[REL_CURRENT]);
	if (pg->page < last) {
		snprintf(num, sizeof num, "%lld", pg->page + 1);
		canvas_link(&links[REL_NEXT], req, path, other, num, pg->per_page, rel_names[REL_NEXT]);
	}
	if (pg->page > 1) {
		snprintf(num, sizeof num, "%lld", pg->page - 1);
		canvas_link(&links[REL_PREV], req, path, other, num, pg->per_page, rel_names[REL_PREV]);
	}
	canvas_link(&links[REL_FIRST], req, path, other, "1", pg->per_page, rel_names[REL_FIRST]);
	snprintf(num, sizeof num, "%lld", last);
	canvas_link(&links[REL_LAST], req, path, other, num, pg->per_page, rel_names[REL_LAST]);
	canvas_link_header(req, links);
	free(other);
}

void rd_page_canvas_link_keyset(struct rd_req *req, const char *path, const struct rd_page *pg,
				const char *cur_token, const char *next_token)
{
	char *other = other_query(req, canvas_skip);
	struct rd_buf links[REL__COUNT] = {{0}};

	canvas_link(&links[REL_CURRENT], req, path, other, cur_token ? cur_token : "first", pg->per_page,
		    rel_names[REL_CURRENT]);
	if (next_token != NULL)
		canvas_link(&links[REL_NEXT], req, path, other, next_token, pg->per_page, rel_names[REL_NEXT]);
	canvas_link(&links[REL_FIRST], req, path, other, "first", pg->per_page, rel_names[REL_FIRST]);
	canvas_link_header(req, links);
	free(other);
}

static const char *const api2_skip[] = {"_p", "per_page", "access_token", "api_key", NULL};

static json_t *api2_url(const struct rd_req *req, const char *path, const char *other, long long page,
			long long per_page)
{
	struct rd_buf b = {0};
	json_t *s;

	rd_buf_printf(&b, "%s?%s_p=%lld&per_page=%lld", path, other, page, per_page);
	s = json_string(b.p);
	rd_buf_free(&b);
	(void)req;
	return s;
}

json_t *rd_page_api2_links(const struct rd_req *req, const char *path, const struct rd_page *pg, long long total)
{
	char *other = other_query(req, api2_skip);
	long long last = total <= 0 ? 1 : (total + pg->per_page - 1) / pg->per_page;
	json_t *links = json_object();

	json_object_set_new(links, "self", api2_url(req, path, other, pg->page, pg->per_page));
	json_object_set_new(links, "prev",
			    pg->page > 1 ? api2_url(req, path, other, pg->page - 1 > last ? last : pg->page - 1,
						    pg->per_page)
					 : json_null());
	json_object_set_new(links, "next",
			    pg->page < last ? api2_url(req, path, other, pg->page + 1, pg->per_page) : json_null());
	free(other);
	return links;
}
