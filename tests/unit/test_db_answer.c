/* The framed answer of an api function that answers one value (rd_db_parse_answer, db/db.c). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../db/db.h"

static int parse(const char *s, struct rd_answer *a)
{
	return rd_db_parse_answer(s, strlen(s), a);
}

static void assert_span(const char *p, size_t n, const char *want)
{
	assert_int_equal(n, strlen(want));
	assert_memory_equal(p, want, n);
}

static void test_success(void **state)
{
	struct rd_answer a;

	(void)state;
	assert_int_equal(parse("12,34,,,7\n{\"a\":1}", &a), 0);
	assert_int_equal(a.tenant_id, 12);
	assert_int_equal(a.user_id, 34);
	assert_int_equal(a.state_len, 0);
	assert_true(a.has_body);
	assert_span(a.body, a.body_len, "{\"a\":1}");
	/* a value may hold newlines and commas; an empty value is a value */
	assert_int_equal(parse("1,,,,5\na,\nb,", &a), 0);
	assert_int_equal(a.user_id, 0);
	assert_span(a.body, a.body_len, "a,\nb,");
	assert_int_equal(parse("1,2,,,0\n", &a), 0);
	assert_true(a.has_body);
	assert_int_equal(a.body_len, 0);
	/* no value (NULL): no row */
	assert_int_equal(parse("1,2,,,\n", &a), 0);
	assert_false(a.has_body);
}

static void test_failure(void **state)
{
	struct rd_answer a;

	(void)state;
	assert_int_equal(parse("3,,RD401,21,\nInvalid access token.", &a), 0);
	assert_int_equal(a.tenant_id, 3);
	assert_int_equal(a.user_id, 0);
	assert_span(a.state, a.state_len, "RD401");
	assert_span(a.msg, a.msg_len, "Invalid access token.");
	assert_int_equal(a.detail_len, 0);
	assert_false(a.has_body);
	/* message then detail, split by the message's length in bytes (UTF-8 included) */
	assert_int_equal(parse(",,RDH04,6,\nnäme\n{\"x\":\"y\"}", &a), 0);
	assert_int_equal(a.tenant_id, 0);
	assert_span(a.msg, a.msg_len, "näme\n");
	assert_span(a.detail, a.detail_len, "{\"x\":\"y\"}");
}

static void test_malformed(void **state)
{
	struct rd_answer a;

	(void)state;
	assert_int_equal(parse("", &a), -1);
	assert_int_equal(parse("1,2,,,3", &a), -1);            /* no head line */
	assert_int_equal(parse("1,2,,,9\nshort", &a), -1);      /* value longer than the text */
	assert_int_equal(parse("1,2,XX000,99,\nshort", &a), -1); /* message longer than the text */
	assert_int_equal(parse("1,2,,\nx", &a), -1);            /* a field missing */
	assert_int_equal(parse("1,2,,,1,\nx", &a), -1);         /* a field too many */
	assert_int_equal(parse("1x,2,,,1\nx", &a), -1);         /* not a number */
	assert_int_equal(parse("-1,2,,,1\nx", &a), -1);
	assert_int_equal(parse("1,2,TOOLONG,,\n", &a), -1);     /* not a SQLSTATE */
	assert_int_equal(parse("99999999999999999999,2,,,1\nx", &a), -1);
	assert_int_equal(parse("1,2,,,99999999999999999999\nx", &a), -1);
	assert_int_equal(parse("1,2,,9223372036854775807,9223372036854775807\nx", &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_failure),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
