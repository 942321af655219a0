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
	assert_int_equal(catalog_row("r", "AccountMembership", 1, 1, "AccountMembership", 17, 1), 0);
	assert_int_equal(catalog_row("r", "AccountAdmin", 1, 1, "Account Admin", 13, 1), 0);
	assert_int_equal(catalog_row("r", "StudentEnrollment", 0, 1, "Student", 7, 0), 0);
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

/* The role head: fields, label and base type shown from the catalogue, escaping, times. */
static void test_head(void **state)
{
	(void)state;
	check("{\"@R7|active|AccountMembership|0|86399|7:Auditor@,\"permissions\":@AccountMembership|0|D|@}",
	      "{\"id\":7,\"role\":\"Auditor\",\"label\":\"Auditor\",\"base_role_type\":\"AccountMembership\","
	      "\"workflow_state\":\"active\",\"created_at\":\"1970-01-01T00:00:00Z\","
	      "\"last_updated_at\":\"1970-01-01T23:59:59Z\",\"is_account_role\":true,\"permissions\":{\"a\":{off}}}");
	/* a built-in role: its catalogue label; AccountAdmin shows AccountMembership */
	check("{\"@R2|built_in|AccountAdmin|1764669790|1764669790|12:AccountAdmin@}",
	      "{\"id\":2,\"role\":\"AccountAdmin\",\"label\":\"Account Admin\",\"base_role_type\":\"AccountMembership\","
	      "\"workflow_state\":\"built_in\",\"created_at\":\"2025-12-02T10:03:10Z\","
	      "\"last_updated_at\":\"2025-12-02T10:03:10Z\",\"is_account_role\":true}");
	check("{\"@R3|built_in|StudentEnrollment|0|0|17:StudentEnrollment@}",
	      "{\"id\":3,\"role\":\"StudentEnrollment\",\"label\":\"Student\",\"base_role_type\":\"StudentEnrollment\","
	      "\"workflow_state\":\"built_in\",\"created_at\":\"1970-01-01T00:00:00Z\","
	      "\"last_updated_at\":\"1970-01-01T00:00:00Z\",\"is_account_role\":false}");
	/* a custom role named like a built-in keeps its name as label; names are raw bytes after their length:
	 * markers, bars and '@' inside are text, escaped as PostgreSQL's to_json escapes */
	check("{\"@R9|active|AccountAdmin|0|0|12:AccountAdmin@}",
	      "{\"id\":9,\"role\":\"AccountAdmin\",\"label\":\"AccountAdmin\",\"base_role_type\":\"AccountAdmin\","
	      "\"workflow_state\":\"active\",\"created_at\":\"1970-01-01T00:00:00Z\","
	      "\"last_updated_at\":\"1970-01-01T00:00:00Z\",\"is_account_role\":true}");
	check("[{\"@R5|inactive|StudentEnrollment|-1|0|17:a@b|\"c\"\\\n\t\x01{\"@R\xc3\xa9@}]",
	      "[{\"id\":5,\"role\":\"a@b|\\\"c\\\"\\\\\\n\\t\\u0001{\\\"@R\xc3\xa9\",\"label\":\"a@b|\\\"c\\\"\\\\\\n\\t\\u0001{\\\"@R\xc3\xa9\","
	      "\"base_role_type\":\"StudentEnrollment\",\"workflow_state\":\"inactive\","
	      "\"created_at\":\"1969-12-31T23:59:59Z\",\"last_updated_at\":\"1970-01-01T00:00:00Z\","
	      "\"is_account_role\":false}]");
	/* malformed heads */
	check("{\"@R0|active|AccountAdmin|0|0|1:x@}", NULL);
	check("{\"@R1|active|Nope|0|0|1:x@}", NULL);
	check("{\"@R1|act ive|AccountAdmin|0|0|1:x@}", NULL);
	check("{\"@R1|active|AccountAdmin|0|0|2:x@}", NULL);
	check("{\"@R1|active|AccountAdmin|0|0|1:xy@}", NULL);
	check("{\"@R1|active|AccountAdmin|0|0|1:x", NULL);
	check("{\"@R1|active|AccountAdmin|x|0|1:x@}", NULL);
	check("{\"@R1|active|AccountAdmin|0|999999999999999|1:x@}", NULL); /* past year 9999 */
	check("{\"@R1|active|AccountAdmin|0|0|-1:x@}", NULL);
	cat.loaded = 0;
	check("{\"@R1|active|AccountAdmin|0|0|1:x@}", NULL);
	cat.loaded = 1;
}

/* Canvas' string ids: id / *_id integers and *_ids arrays become strings, at any depth; nothing else does. */
static void test_string_ids(void **state)
{
	json_t *doc = json_loads("[{\"id\":7,\"role_id\":9,\"paid\":3,\"ids\":[1,\"x\"],\"role_ids\":[2],"
				 "\"sis_account_id\":null,\"squid\":4,\"account\":{\"id\":1,\"parent_account_id\":null,"
				 "\"root_account_id\":1234567890123,\"quota_mb\":500},\"permissions\":{\"a_id\":{\"id\":5}}}]",
				 0, NULL);
	char *text;

	(void)state;
	assert_non_null(doc);
	rd_canvas_json_stringify_ids(doc);
	text = json_dumps(doc, JSON_COMPACT);
	assert_string_equal(text, "[{\"id\":\"7\",\"role_id\":\"9\",\"paid\":3,\"ids\":[\"1\",\"x\"],"
				  "\"role_ids\":[\"2\"],\"sis_account_id\":null,\"squid\":4,\"account\":{\"id\":\"1\","
				  "\"parent_account_id\":null,\"root_account_id\":\"1234567890123\",\"quota_mb\":500},"
				  "\"permissions\":{\"a_id\":{\"id\":\"5\"}}}]");
	free(text);
	json_decref(doc);
	assert_true(rd_canvas_json_wants_string_ids("application/json+canvas-string-ids, */*"));
	assert_false(rd_canvas_json_wants_string_ids("application/json"));
	assert_false(rd_canvas_json_wants_string_ids(NULL));
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
	assert_int_equal(catalog_row("r", "Nope", 0, 1, "x", 1, 0), -1);
	assert_int_equal(catalog_row("r", "AccountAdmin", 0, 1, NULL, 0, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_overrides, setup),
		cmocka_unit_test_setup(test_tenant_conditions, setup),
		cmocka_unit_test_setup(test_text_around_markers, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_head, setup),
		cmocka_unit_test(test_string_ids),
		cmocka_unit_test_setup(test_catalog_rows, setup),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
