/* Router, error table and pagination: the HTTP semantics that need no database. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "paginate.h"
#include "params.h"
#include "request.h"
#include "router.h"

static enum rd_err h_list(struct rd_req *req) { (void)req; return RD_OK; }
static enum rd_err h_show(struct rd_req *req) { (void)req; return RD_OK; }
static enum rd_err h_update(struct rd_req *req) { (void)req; return RD_OK; }
static enum rd_err h_api2(struct rd_req *req) { (void)req; return RD_OK; }

static const struct rd_route table[] = {
	{"GET", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, h_list, 0},
	{"GET", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, h_show, 0},
	{"PUT", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, h_update, 0},
	{"DELETE", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, h_update, 0},
	{"GET", "/api2/roles/:id", RD_SURFACE_API2, h_api2, 0},
	{NULL, NULL, RD_SURFACE_SYSTEM, NULL, 0},
};

static void req_init(struct rd_req *req, const char *method, const char *path)
{
	memset(req, 0, sizeof *req);
	req->method = method;
	req->path = strdup(path);
	req->params = json_object();
	req->scheme = "https";
	req->host_header = strdup("school.example:8443");
}

static const char *header(const struct rd_req *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

/* Routes method and path through the table: the result must be want, and a match must reach h (unless NULL). */
static void route(struct rd_req *req, const char *method, const char *path, enum rd_err want, rd_handler h)
{
	req_init(req, method, path);
	assert_int_equal(rd_router_match(table, req), want);
	if (want == RD_OK && h != NULL)
		assert_ptr_equal(req->route->handler, h);
}

static void test_route_captures(void **state)
{
	struct rd_req req;

	route(&req, "GET", "/api/v1/accounts/self/roles/Teacher%20Enrollment", RD_OK, h_show);
	assert_int_equal(req.npathv, 2);
	assert_string_equal(req.pathv[0], "self");
	assert_string_equal(req.pathv[1], "Teacher Enrollment");
	rd_req_reset(&req);
}

static void test_json_suffix_canvas_only(void **state)
{
	struct rd_req req;

	route(&req, "GET", "/api/v1/accounts/1/roles.json", RD_OK, h_list);
	assert_string_equal(req.path, "/api/v1/accounts/1/roles");
	rd_req_reset(&req);

	route(&req, "GET", "/api2/roles/5.json", RD_OK, h_api2);
	assert_string_equal(req.pathv[0], "5.json"); /* api2 takes the segment as is: the id lookup 404s */
	rd_req_reset(&req);
}

/* Rails' normalize_path: repeated and trailing slashes do not change a Canvas route; %2F stays in its segment. */
static void test_canvas_slashes_normalised(void **state)
{
	struct rd_req req;

	route(&req, "GET", "/api/v1/accounts/1/roles/", RD_OK, h_list);
	assert_string_equal(req.path, "/api/v1/accounts/1/roles");
	rd_req_reset(&req);

	route(&req, "GET", "/api/v1//accounts//1/roles///A%2FB//", RD_OK, h_show);
	assert_string_equal(req.pathv[0], "1");
	assert_string_equal(req.pathv[1], "A/B");
	rd_req_reset(&req);

	route(&req, "GET", "/api/v1/accounts/1/roles.json/", RD_OK, h_list);
	rd_req_reset(&req);

	route(&req, "GET", "//api/v1/accounts/1/roles", RD_OK, h_list); /* leading slashes too */
	assert_string_equal(req.path, "/api/v1/accounts/1/roles");
	rd_req_reset(&req);

	route(&req, "GET", "/api2/roles/5/", RD_ERR_NO_ROUTE, NULL); /* api2 paths are taken as they are */
	rd_req_reset(&req);
}

static void test_405_allow(void **state)
{
	struct rd_req req;

	route(&req, "POST", "/api/v1/accounts/1/roles/2", RD_ERR_METHOD, NULL);
	assert_string_equal(header(&req, "Allow"), "GET, PUT, DELETE");
	assert_int_equal(req.surface, RD_SURFACE_CANVAS);
	rd_req_reset(&req);
}

static void test_404_shapes(void **state)
{
	struct rd_req req;

	route(&req, "GET", "/api/v1/accounts/1/nothing", RD_ERR_NO_ROUTE, NULL);
	assert_int_equal(req.surface, RD_SURFACE_CANVAS);
	rd_req_reset(&req);
	route(&req, "GET", "/api2/nothing/at/all", RD_ERR_NO_ROUTE, NULL);
	assert_int_equal(req.surface, RD_SURFACE_API2);
	rd_req_reset(&req);
	route(&req, "GET", "/api/v1/accounts//roles", RD_ERR_NO_ROUTE, NULL); /* empty capture */
	rd_req_reset(&req);
	route(&req, "GET", "/api/v1/accounts/1/roles/2/extra", RD_ERR_NO_ROUTE, NULL);
	rd_req_reset(&req);
}

static void test_bad_capture_encoding(void **state)
{
	struct rd_req req;

	/* no resource has that name, whatever the method: 404, never a 405 whose Allow leaves GET out; the
	 * route's own 404 (answered after the token) where a route of that method has the path's shape */
	static const char *const methods[] = {"GET", "PUT", "POST", "PATCH"};
	static const char *const paths[] = {"/api/v1/accounts/1/roles/%ff", "/api/v1/accounts/1/roles/%4",
					    "/api/v1/accounts/%00/roles/1", "/api/v1/accounts/%ED%A0%80/roles",
					    "/api2/roles/%C0%AF"};
	for (size_t m = 0; m < sizeof methods / sizeof *methods; m++)
		for (size_t p = 0; p < sizeof paths / sizeof *paths; p++) {
			req_init(&req, methods[m], paths[p]);
			enum rd_err e = rd_router_match(table, &req);
			assert_true(e == RD_ERR_NO_ROUTE || e == RD_ERR_NOT_FOUND);
			assert_int_equal(e == RD_ERR_NOT_FOUND,
					 strcmp(methods[m], "GET") == 0 ||
						 (strcmp(methods[m], "PUT") == 0 && strstr(paths[p], "roles/") != NULL &&
						  strncmp(paths[p], "/api/", 5) == 0));
			assert_null(header(&req, "Allow"));
			rd_req_reset(&req);
		}
}

static void test_error_table_complete(void **state)
{
	for (int e = 1; e < RD_ERR__COUNT; e++) {
		int s = rd_errors_status((enum rd_err)e);
		assert_true(s >= 400 && s < 600);
		assert_non_null(rd_errors_name((enum rd_err)e));
	}
	assert_int_equal(rd_errors_status(RD_OK), 200);
	assert_int_equal(rd_errors_status((enum rd_err)999), 500);
}

static char *body_of(struct rd_req *req)
{
	return req->body ? json_dumps(req->body, JSON_SORT_KEYS | JSON_COMPACT) : strndup(req->body_text, req->body_len);
}

static void test_render_canvas(void **state)
{
	struct rd_req req;
	char *b;

	req_init(&req, "GET", "/x");
	req.surface = RD_SURFACE_CANVAS;
	rd_errors_render(&req, RD_ERR_UNAUTHENTICATED);
	assert_int_equal(req.status, 401);
	b = body_of(&req);
	assert_string_equal(b, "{\"errors\":[{\"message\":\"user authorization required\"}],\"status\":\"unauthenticated\"}");
	assert_string_equal(header(&req, "WWW-Authenticate"), "Bearer realm=\"canvas-lms\"");
	free(b);
	rd_req_reset(&req);

	req_init(&req, "GET", "/x");
	req.surface = RD_SURFACE_CANVAS;
	req.err_detail = json_pack("{s:s,s:i}", "permission", "manage_role_overrides", "account_id", 7);
	rd_errors_render(&req, RD_ERR_FORBIDDEN);
	assert_int_equal(req.status, 403);
	b = body_of(&req);
	assert_string_equal(b, "{\"errors\":[{\"account_id\":7,\"error_code\":\"missing_permission\",\"message\":"
			       "\"user not authorized to perform that action\",\"permission\":\"manage_role_overrides\"}],"
			       "\"status\":\"unauthorized\"}");
	free(b);
	rd_req_reset(&req);

	req_init(&req, "GET", "/x");
	req.surface = RD_SURFACE_CANVAS;
	rd_errors_render(&req, RD_ERR_ROLE_NOT_FOUND);
	assert_int_equal(req.status, 404);
	b = body_of(&req);
	assert_string_equal(b, "{\"message\":\"role not found\"}");
	free(b);
	rd_req_reset(&req);
}

static void test_render_api2_and_unavailable(void **state)
{
	struct rd_req req;
	char *b;

	req_init(&req, "GET", "/x");
	req.surface = RD_SURFACE_API2;
	req.err_detail = json_pack("[{s:s,s:s}]", "field", "display_name", "message", "is required");
	rd_errors_render(&req, RD_ERR_INVALID);
	assert_int_equal(req.status, 422);
	b = body_of(&req);
	assert_string_equal(b, "{\"errors\":[{\"field\":\"display_name\",\"message\":\"is required\"}],"
			       "\"message\":\"Invalid values\"}");
	free(b);
	rd_req_reset(&req);

	req_init(&req, "GET", "/x");
	req.surface = RD_SURFACE_CANVAS;
	rd_errors_render(&req, RD_ERR_UNAVAILABLE);
	assert_int_equal(req.status, 503);
	assert_non_null(header(&req, "Retry-After"));
	rd_req_reset(&req);
}

static void test_canvas_paging(void **state)
{
	struct rd_req req;
	struct rd_page pg;

	req_init(&req, "GET", "/api/v1/accounts/1/roles");
	assert_int_equal(rd_page_canvas(&req, &pg), RD_OK);
	assert_int_equal(pg.page, 1);
	assert_int_equal(pg.per_page, 10);
	json_object_set_new(req.params, "per_page", json_string("1000"));
	json_object_set_new(req.params, "page", json_string("2"));
	assert_int_equal(rd_page_canvas(&req, &pg), RD_OK);
	assert_int_equal(pg.per_page, 100);
	assert_int_equal(pg.page, 2);
	json_object_set_new(req.params, "per_page", json_string("0"));
	assert_int_equal(rd_page_canvas(&req, &pg), RD_OK);
	assert_int_equal(pg.per_page, 1);
	json_object_set_new(req.params, "page", json_string("0"));
	assert_int_equal(rd_page_canvas(&req, &pg), RD_ERR_PAGE_NOT_FOUND);
	json_object_set_new(req.params, "page", json_string("abc"));
	assert_int_equal(rd_page_canvas(&req, &pg), RD_ERR_PAGE_NOT_FOUND);
	rd_req_reset(&req);
}

static void test_canvas_link_header(void **state)
{
	struct rd_req req;
	struct rd_page pg = {2, 10};
	json_t *state_arr = json_array();

	req_init(&req, "GET", "/api/v1/accounts/1/roles");
	json_array_append_new(state_arr, json_string("active"));
	json_array_append_new(state_arr, json_string("inactive"));
	json_object_set_new(req.params, "state", state_arr);
	json_object_set_new(req.params, "access_token", json_string("secret"));
	json_object_set_new(req.params, "page", json_string("2"));
	/* links repeat the query string (not the body), re-encoded in Rails to_query order */
	req.query = strdup("state[]=active&access_token=secret&page=2&state%5B%5D=inactive");
	rd_page_canvas_link(&req, "/api/v1/accounts/1/roles", &pg, 25);
	assert_string_equal(header(&req, "Link"),
		"<https://school.example:8443/api/v1/accounts/1/roles?state%5B%5D=active&state%5B%5D=inactive&page=2&per_page=10>; rel=\"current\","
		"<https://school.example:8443/api/v1/accounts/1/roles?state%5B%5D=active&state%5B%5D=inactive&page=3&per_page=10>; rel=\"next\","
		"<https://school.example:8443/api/v1/accounts/1/roles?state%5B%5D=active&state%5B%5D=inactive&page=1&per_page=10>; rel=\"prev\","
		"<https://school.example:8443/api/v1/accounts/1/roles?state%5B%5D=active&state%5B%5D=inactive&page=1&per_page=10>; rel=\"first\","
		"<https://school.example:8443/api/v1/accounts/1/roles?state%5B%5D=active&state%5B%5D=inactive&page=3&per_page=10>; rel=\"last\"");
	assert_null(strstr(header(&req, "Link"), "secret"));
	rd_req_reset(&req);
}

/* Rails' Hash#to_query sorts a nested hash's keys too, leaves empty hashes and arrays out, and keeps an
 * array's order (also of hashes inside it). */
static void test_canvas_link_nested_query(void **state)
{
	static const char url[] = "<https://school.example:8443/api/v1/accounts/1/roles?a=0&h%5Bb%5D%5Ba%5D=3"
				  "&h%5Bb%5D%5By%5D=2&h%5Be%5D%5B%5D=&h%5Bz%5D=1&l%5B%5D%5Bk%5D=1&l%5B%5D%5Bc%5D=2"
				  "&z%5B%5D=2&z%5B%5D=1&page=1&per_page=10>; rel=";
	struct rd_req req;
	struct rd_page pg = {1, 10};
	char want[1024];

	req_init(&req, "GET", "/api/v1/accounts/1/roles");
	req.query = strdup("h[z]=1&h[b][y]=2&h[b][a]=3&h[e][]=&z[]=2&z[]=1&l[][k]=1&l[][c]=2&a=0");
	rd_page_canvas_link(&req, "/api/v1/accounts/1/roles", &pg, 5);
	snprintf(want, sizeof want, "%s\"current\",%s\"first\",%s\"last\"", url, url, url);
	assert_string_equal(header(&req, "Link"), want);
	rd_req_reset(&req);
}

/* "x=" and then c up to n bytes: a query string of that size. */
static char *filler_query(size_t n, char c)
{
	char *q = malloc(n + 1);

	assert_non_null(q);
	memcpy(q, "x=", 2);
	memset(q + 2, c, n - 2);
	q[n] = '\0';
	return q;
}

/* will_paginate's Integer(page) */
static void test_ruby_integer(void **state)
{
	static const struct {
		const char *s;
		int ok;
		long long v;
	} cases[] = {
		{"2", 1, 2}, {"+2", 1, 2}, {" 2", 1, 2}, {"2 ", 1, 2}, {"-3", 1, -3}, {"010", 1, 8}, {"0x1f", 1, 31},
		{"0b11", 1, 3}, {"0o17", 1, 15}, {"0d19", 1, 19}, {"1_0", 1, 10}, {"0_7", 1, 7}, {"0", 1, 0},
		{"", 0, 0}, {" ", 0, 0}, {"2abc", 0, 0}, {"08", 0, 0}, {"1__0", 0, 0}, {"_1", 0, 0}, {"1_", 0, 0},
		{"0x", 0, 0}, {"0x_1", 0, 0}, {"1.5", 0, 0}, {"+", 0, 0}, {"2 3", 0, 0}, {"bkabc", 0, 0},
	};
	long long v;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		v = -99;
		assert_int_equal(rd_page_ruby_integer(cases[i].s, &v), cases[i].ok);
		if (cases[i].ok)
			assert_int_equal(v, cases[i].v);
	}
}

/* A query string at nginx's limit, all bytes that re-encoding triples: Link keeps next and stays bounded. */
static void test_canvas_link_bounded(void **state)
{
	struct rd_req req;
	struct rd_page pg = {2, 10};
	const char *link;

	req_init(&req, "GET", "/api/v1/accounts/1/roles");
	req.query = filler_query(16384, '<');
	rd_page_canvas_link(&req, "/api/v1/accounts/1/roles", &pg, 100);
	link = header(&req, "Link");
	assert_non_null(link);
	assert_true(strlen(link) <= RD_PAGE_LINK_MAX);
	assert_non_null(strstr(link, "&page=3&per_page=10>; rel=\"next\""));
	assert_null(strstr(link, "rel=\"last\""));
	rd_page_canvas_link_keyset(&req, "/api/v1/accounts/1/admins", &pg, "first", "b:2");
	link = req.headers[req.nheaders - 1].value;
	assert_true(strlen(link) <= RD_PAGE_LINK_MAX);
	assert_non_null(strstr(link, "rel=\"next\""));
	rd_req_reset(&req);
}

/* Links of about 1.9 KB each: next, last and prev fit Canvas' 6 KB cap, current and first do not. */
static void test_canvas_link_cap(void **state)
{
	struct rd_req req;
	struct rd_page pg = {2, 10};
	const char *link;

	(void)state;
	req_init(&req, "GET", "/api/v1/accounts/1/roles");
	req.query = filler_query(1800, 'a');
	rd_page_canvas_link(&req, "/api/v1/accounts/1/roles", &pg, 100);
	link = header(&req, "Link");
	assert_non_null(link);
	assert_true(strlen(link) <= RD_PAGE_LINK_CAP);
	assert_non_null(strstr(link, "rel=\"next\",<"));
	assert_non_null(strstr(link, "rel=\"prev\",<"));
	assert_non_null(strstr(link, "&page=10&per_page=10>; rel=\"last\""));
	assert_null(strstr(link, "rel=\"current\""));
	assert_null(strstr(link, "rel=\"first\""));
	rd_req_reset(&req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_route_captures),
		cmocka_unit_test(test_json_suffix_canvas_only),
		cmocka_unit_test(test_canvas_slashes_normalised),
		cmocka_unit_test(test_405_allow),
		cmocka_unit_test(test_404_shapes),
		cmocka_unit_test(test_bad_capture_encoding),
		cmocka_unit_test(test_error_table_complete),
		cmocka_unit_test(test_render_canvas),
		cmocka_unit_test(test_render_api2_and_unavailable),
		cmocka_unit_test(test_canvas_paging),
		cmocka_unit_test(test_canvas_link_header),
		cmocka_unit_test(test_canvas_link_nested_query),
		cmocka_unit_test(test_canvas_link_bounded),
		cmocka_unit_test(test_canvas_link_cap),
		cmocka_unit_test(test_ruby_integer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
