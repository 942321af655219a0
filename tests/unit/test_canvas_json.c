/*
 * The compact permissions marker of Canvas role JSON (fcgi/canvas_json.c) against a small catalogue: three
 * permissions, the second hidden by a default-off condition, the third not listed on sub-accounts.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../fcgi/canvas_json.c"

static int setup(void **state)
{
	static const char *const frags[NSTATES] = {[0] = "off", [3] = "on", [13] = "locked-self"};
	char buf[16];
	int s;

	(void)state;
	catalog_clear();
	for (s = 0; s < NSTATES; s++) {
		snprintf(buf, sizeof buf, "s%d", s);
		assert_int_equal(catalog_row("s", "", 0, s + 1, frags[s] ? frags[s] : buf,
					     strlen(frags[s] ? frags[s] : buf), 0), 0);
	}
	assert_int_equal(catalog_row("p", "}", 0, 1, "\"a\":{", 5, 0), 0);
	assert_int_equal(catalog_row("p", ",\"group\":\"g\"}", 0, 2, "\"b\":{", 5, 0), 0);
	assert_int_equal(catalog_row("p", "}", 0, 3, "\"c\":{", 5, 0), 0);
	for (s = 0; s < 2; s++) {
		assert_int_equal(catalog_row("m", "AccountMembership", s, 1, "\"a\":{off}", 9, 0), 0);
		assert_int_equal(catalog_row("m", "AccountMembership", s, 2, "\"b\":{off,\"group\":\"g\"}", 21, 1), 0);
		assert_int_equal(catalog_row("m", "AccountMembership", s, 3, s ? "\"c\":{on}" : NULL, 8, 0), 0);
	}
	cat.loaded = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	catalog_clear();
	return 0;
}

/* Expands in, expects want (or a failure when want is NULL). */
static void check(const char *in, const char *want)
{
	struct rd_buf b = {0};
	enum rd_err e = rd_canvas_json_expand(in, strlen(in), &b);

	if (want == NULL) {
		assert_int_equal(e, RD_ERR_INTERNAL);
	} else {
		assert_int_equal(e, RD_OK);
		assert_string_equal(b.p, want);
	}
	rd_buf_free(&b);
}

static void test_defaults(void **state)
{
	(void)state;
	check("{\"id\":1,\"permissions\":@AccountMembership|1|D|@}", "{\"id\":1,\"permissions\":{\"a\":{off},\"c\":{on}}}");
	check("{\"permissions\":@AccountMembership|0|D|@,\"x\":1}", "{\"permissions\":{\"a\":{off}},\"x\":1}");
}

static void test_overrides(void **state)
{
	(void)state;
	check("{\"permissions\":@AccountMembership|1|D|1:3,3:13@}",
	      "{\"permissions\":{\"a\":{on},\"c\":{locked-self}}}");
	/* an override of a permission that is hidden or not listed here shows nothing */
	check("{\"permissions\":@AccountMembership|0|D|2:3,3:3@}", "{\"permissions\":{\"a\":{off}}}");
}

static void test_tenant_conditions(void **state)
{
	(void)state;
	/* the tenant's own hidden list replaces the default one */
	check("{\"permissions\":@AccountMembership|1||@}",
	      "{\"permissions\":{\"a\":{off},\"b\":{off,\"group\":\"g\"},\"c\":{on}}}");
	check("{\"permissions\":@AccountMembership|1|1.3|2:3@}", "{\"permissions\":{\"b\":{on,\"group\":\"g\"}}}");
	check("{\"permissions\":@AccountMembership|1|1.2.3|@}", "{\"permissions\":{}}");
}

static void test_text_around_markers(void **state)
{
	(void)state;
	check("[]", "[]");
	check("{\"role\":\"@x|1|D|@\"}", "{\"role\":\"@x|1|D|@\"}");
	check("[{\"permissions\":@AccountMembership|1|D|@},{\"permissions\":@AccountMembership|0|D|1:3@}]",
	      "[{\"permissions\":{\"a\":{off},\"c\":{on}}},{\"permissions\":{\"a\":{on}}}]");
}

static void test_malformed(void **state)
{
	(void)state;
	check("{\"permissions\":@Nope|1|D|@}", NULL);
	check("{\"permissions\":@AccountMembership|2|D|@}", NULL);
	check("{\"permissions\":@AccountMembership|1|D|1:3", NULL); /* no closing @ */
	check("{\"permissions\":@AccountMembership|1|D|4:3@}", NULL);
	check("{\"permissions\":@AccountMembership|1|D|1:64@}", NULL);
	check("{\"permissions\":@AccountMembership|1|D|1:@}", NULL);
	check("{\"permissions\":@AccountMembership|1|D|x@}", NULL);
	check("{\"permissions\":@AccountMembership|1|999|@}", NULL);
	check("{\"permissions\":@AccountMembership|1|D@}", NULL);
	cat.loaded = 0;
	check("{\"permissions\":@AccountMembership|1|D|@}", NULL);
	check("{\"no\":\"marker\"}", "{\"no\":\"marker\"}");
	cat.loaded = 1;
}

static void test_catalog_rows(void **state)
{
	(void)state;
	assert_int_equal(catalog_row("m", "Nope", 0, 1, "x", 1, 0), -1);
	assert_int_equal(catalog_row("m", "AccountMembership", 0, MAX_ORD + 1, "x", 1, 0), -1);
	assert_int_equal(catalog_row("s", "", 0, NSTATES + 1, "x", 1, 0), -1);
	assert_int_equal(catalog_row("?", "", 0, 1, "x", 1, 0), -1);
	assert_int_equal(catalog_row("p", "}", 0, 1, NULL, 0, 0), -1);
	assert_int_equal(catalog_row("s", "", 0, 1, NULL, 0, 0), -1);
	assert_int_equal(catalog_row("m", "AccountMembership", 0, 1, NULL, 0, 0), 0); /* not listed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_overrides, setup),
		cmocka_unit_test_setup(test_tenant_conditions, setup),
		cmocka_unit_test_setup(test_text_around_markers, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_catalog_rows, setup),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
