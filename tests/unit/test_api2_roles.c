/* api2 Roles at the HTTP layer (no database): the real route table, api2 paging and links, the 422 body. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "errors.h"
#include "handlers/api2_roles.h"
#include "paginate.h"
#include "params.h"
#include "request.h"
#include "router.h"

static void req_init(struct rd_req *req, const char *method, const char *path, const char *query)
{
	struct rd_params_error perr;

	memset(req, 0, sizeof *req);
	req->method = method;
	req->path = strdup(path);
	req->query = strdup(query);
	req->params = json_object();
	assert_int_equal(rd_params_parse_query(req->params, query, strlen(query), &rd_params_default_limits, &perr),
			 RD_PARAMS_OK);
}

static const char *header(const struct rd_req *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (strcmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static void expect_route(const char *method, const char *path, rd_handler h, const char *capture)
{
	struct rd_req req;

	req_init(&req, method, path, "");
	assert_int_equal(rd_router_match(rd_routes, &req), RD_OK);
	assert_ptr_equal(req.route->handler, h);
	assert_int_equal(req.surface, RD_SURFACE_API2);
	if (capture != NULL) {
		assert_int_equal(req.npathv, 1);
		assert_string_equal(req.pathv[0], capture);
	} else {
		assert_int_equal(req.npathv, 0);
	}
	rd_req_reset(&req);
}

static void test_routes(void **state)
{
	expect_route("GET", "/api2/roles", api2_roles_list, NULL);
	expect_route("POST", "/api2/roles", api2_roles_create, NULL);
	expect_route("GET", "/api2/roles/count", api2_roles_count, NULL); /* not role "count" */
	expect_route("GET", "/api2/roles/42", api2_roles_get, "42");
	expect_route("POST", "/api2/roles/42", api2_roles_update, "42");
	expect_route("DELETE", "/api2/roles/42", api2_roles_delete, "42");
	expect_route("POST", "/api2/roles/42/add-permissions", api2_roles_add_permissions, "42");
	expect_route("POST", "/api2/roles/42/remove-permissions", api2_roles_remove_permissions, "42");
	expect_route("GET", "/api2/roles/abc", api2_roles_get, "abc"); /* SQL answers 404 */
}

static void test_405_and_404_are_api2(void **state)
{
	struct rd_req req;

	req_init(&req, "PUT", "/api2/roles/42", "");
	assert_int_equal(rd_router_match(rd_routes, &req), RD_ERR_METHOD);
	assert_int_equal(req.surface, RD_SURFACE_API2);
	assert_string_equal(header(&req, "Allow"), "GET, POST, DELETE");
	rd_req_reset(&req);
	req_init(&req, "GET", "/api2/roles/42/permissions", "");
	assert_int_equal(rd_router_match(rd_routes, &req), RD_ERR_NO_ROUTE);
	assert_int_equal(req.surface, RD_SURFACE_API2);
	rd_req_reset(&req);
}

static void test_paging_and_links(void **state)
{
	struct rd_req req;
	struct rd_page pg;
	json_t *links;

	req_init(&req, "GET", "/api2/roles", "");
	assert_int_equal(rd_page_api2(&req, &pg), RD_OK);
	assert_int_equal(pg.page, 1);
	assert_int_equal(pg.per_page, 50);
	links = rd_page_api2_links(&req, "/api2/roles", &pg, 26);
	assert_string_equal(json_string_value(json_object_get(links, "self")), "/api2/roles?_p=1&per_page=50");
	assert_true(json_is_null(json_object_get(links, "prev")));
	assert_true(json_is_null(json_object_get(links, "next")));
	json_decref(links);
	rd_req_reset(&req);

	req_init(&req, "GET", "/api2/roles", "per_page=10&_p=2&lti=true&access_token=secret&display_name=A%20B");
	assert_int_equal(rd_page_api2(&req, &pg), RD_OK);
	assert_int_equal(pg.page, 2);
	assert_int_equal(pg.per_page, 10);
	links = rd_page_api2_links(&req, "/api2/roles", &pg, 26);
	assert_string_equal(json_string_value(json_object_get(links, "self")),
			    "/api2/roles?display_name=A+B&lti=true&_p=2&per_page=10");
	assert_string_equal(json_string_value(json_object_get(links, "prev")),
			    "/api2/roles?display_name=A+B&lti=true&_p=1&per_page=10");
	assert_string_equal(json_string_value(json_object_get(links, "next")),
			    "/api2/roles?display_name=A+B&lti=true&_p=3&per_page=10");
	json_decref(links);
	rd_req_reset(&req);

	req_init(&req, "GET", "/api2/roles", "per_page=9999&_p=-3");
	assert_int_equal(rd_page_api2(&req, &pg), RD_OK);
	assert_int_equal(pg.per_page, 500);
	assert_int_equal(pg.page, 1);
	rd_req_reset(&req);
}

static void test_render_422(void **state)
{
	struct rd_req req;
	char *text;

	req_init(&req, "POST", "/api2/roles", "");
	req.surface = RD_SURFACE_API2;
	req.err_detail = json_loads("[{\"field\":\"display_name\",\"message\":\"can't be blank\"}]", 0, NULL);
	rd_errors_render(&req, RD_ERR_INVALID);
	assert_int_equal(req.status, 422);
	text = json_dumps(req.body, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"errors\":[{\"field\":\"display_name\",\"message\":\"can't be blank\"}],"
				  "\"message\":\"Invalid values\"}");
	free(text);
	rd_req_reset(&req);

	req_init(&req, "GET", "/api2/roles/1", "");
	req.surface = RD_SURFACE_API2;
	snprintf(req.err_message, sizeof req.err_message, "Only Administrator users may use the Roles API");
	rd_errors_render(&req, RD_ERR_FORBIDDEN);
	assert_int_equal(req.status, 403);
	text = json_dumps(req.body, JSON_COMPACT);
	assert_string_equal(text, "{\"message\":\"Only Administrator users may use the Roles API\"}");
	free(text);
	rd_req_reset(&req);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_405_and_404_are_api2),
		cmocka_unit_test(test_paging_and_links),
		cmocka_unit_test(test_render_422),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
