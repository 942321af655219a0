/*
 * libFuzzer target for the pagination parameters and links (fcgi/paginate.c). Input: a query string (a C
 * string, as FastCGI hands it over). Properties: page sizes within their clamps; the round trip of the
 * query string that links repeat (parsing it gives back the request's parameters but page, per_page,
 * access_token and api_key, a value-less name as an empty one); a Link header within RD_PAGE_LINK_MAX, one line, with next while there is a
 * next page.
 */
#define _GNU_SOURCE
#include <string.h>

#include "../../fcgi/paginate.c"
#include "fuzz.h"

/* A name without '=' is null (Rack's nil), which links write as "k=" (Rails' nil.to_query): "" back. */
static json_t *nulls_as_empty(json_t *v)
{
	const char *k;
	json_t *m;
	size_t i;

	if (json_is_null(v))
		return json_string("");
	if (json_is_object(v))
		json_object_foreach(v, k, m)
			json_object_set_new(v, k, nulls_as_empty(m));
	else if (json_is_array(v))
		json_array_foreach(v, i, m)
			json_array_set_new(v, i, nulls_as_empty(m));
	return json_incref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_params_error perr;
	struct rd_req req;
	struct rd_page pg;
	json_t *want, *got, *links;
	const char *const *k;
	char *other;
	int i;

	memset(&req, 0, sizeof req);
	req.query = strndup((const char *)data, size);
	req.host_header = strdup("school.example:8443");
	req.scheme = "https";
	if (req.query == NULL || req.host_header == NULL)
		abort();
	req.params = json_object();
	if (rd_params_parse_query(req.params, req.query, strlen(req.query), &rd_params_default_limits, &perr) !=
	    RD_PARAMS_OK)
		goto out; /* the worker answers 400 before any list runs */

	if (rd_page_api2(&req, &pg) == RD_OK)
		FUZZ_ASSERT(pg.per_page >= 1 && pg.per_page <= 500 && pg.page >= 1);
	links = rd_page_api2_links(&req, "/api2/roles", &pg, 1234);
	FUZZ_ASSERT(json_is_string(json_object_get(links, "self")));
	json_decref(links);

	/* the round trip of what links repeat */
	other = other_query(&req, canvas_skip);
	want = json_deep_copy(req.params);
	for (k = canvas_skip; *k != NULL; k++)
		json_object_del(want, *k);
	json_decref(nulls_as_empty(want));
	got = json_object();
	FUZZ_ASSERT(rd_params_parse_query(got, other, strlen(other), &rd_params_default_limits, &perr) ==
		    RD_PARAMS_OK);
	FUZZ_ASSERT(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	free(other);

	if (rd_page_canvas(&req, &pg) != RD_OK)
		goto out;
	FUZZ_ASSERT(pg.per_page >= 1 && pg.per_page <= 100 && pg.page >= 1);
	rd_page_canvas_link(&req, "/api/v1/accounts/1/roles", &pg, 1000);
	rd_page_canvas_link_keyset(&req, "/api/v1/accounts/1/admins", &pg, "first", "k:2");
	FUZZ_ASSERT(req.nheaders == 2);
	for (i = 0; i < req.nheaders; i++) {
		const char *v = req.headers[i].value;
		FUZZ_ASSERT(strcmp(req.headers[i].name, "Link") == 0);
		FUZZ_ASSERT(strlen(v) <= RD_PAGE_LINK_MAX && strpbrk(v, "\r\n") == NULL);
		if (i == 1 || pg.page < (1000 + pg.per_page - 1) / pg.per_page)
			FUZZ_ASSERT(strstr(v, "; rel=\"next\"") != NULL);
	}
out:
	rd_req_reset(&req);
	return 0;
}
