/* Host normalisation and the one host a request is for (fcgi/host.c). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"

static void norm(const char *in, const char *want)
{
	char *got = rd_host_normalise(in, strlen(in));

	assert_string_equal(got, want);
	free(got);
}

static void test_normalise(void **state)
{
	char longname[300];

	norm("School.Example:8443", "school.example");
	norm("school.example.", "school.example");
	norm("school.example.:80", "school.example");
	norm("[::1]:8080", "[::1]");
	norm("[::1", "");
	norm("a b", "");
	norm("a/b", "");
	norm("a..", "");
	norm("a..b", "");
	norm("", "");
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	norm(longname, "");
}

static void decide(const char *request_host, const char *http_host, const char *host, const char *header,
		   int mismatch)
{
	struct rd_host h;

	rd_host_decide(&h, request_host, http_host);
	assert_string_equal(h.host, host);
	assert_string_equal(h.header, header);
	assert_int_equal(h.mismatch, mismatch);
	rd_host_free(&h);
}

static void test_decide(void **state)
{
	decide("a.test", "A.test:8080", "a.test", "A.test:8080", 0);
	/* "GET http://b.test/ HTTP/1.1" with "Host: a.test": nginx's $host is b.test */
	decide("b.test", "a.test", "b.test", "a.test", 1);
	decide("b.test", NULL, "b.test", "b.test", 0);
	decide("b.test", "", "b.test", "b.test", 0);
	decide(NULL, "a.test:1", "a.test", "a.test:1", 0);
	decide("", "a.test", "a.test", "a.test", 0);
}

static void malformed(const char *http_host, int want)
{
	struct rd_host h;

	rd_host_decide(&h, "a.test", http_host);
	assert_int_equal(h.malformed, want);
	rd_host_free(&h);
}

/* nginx passes anything but '/' after a Host header's colon; Link URLs would repeat it as sent */
static void test_malformed_port(void **state)
{
	malformed("a.test", 0);
	malformed("a.test:8080", 0);
	malformed("a.test:", 0);
	malformed("[::1]:80", 0);
	malformed("[::1]", 0);
	malformed(NULL, 0);
	malformed("a.test:1>; rel=x", 1);
	malformed("a.test:abc", 1);
	malformed("a.test:123456", 1);
	malformed("a.test:1:2", 1);
	malformed("[::1]x", 1);
	malformed("[::1", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_malformed_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
