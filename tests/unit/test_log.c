/* Log lines: JSON escaping of messages (quotes, backslashes, control characters, truncation). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"

static void escapes_json_specials(void **state)
{
	char out[64];
	(void)state;
	rd_log_escape(out, 0, sizeof out, "a\"b\\c\nd\te");
	assert_string_equal(out, "a\\\"b\\\\c\\nd\\u0009e");
}

static void stops_before_overflow(void **state)
{
	char out[16];
	size_t n;
	(void)state;
	n = rd_log_escape(out, 0, sizeof out, "0123456789abcdefghij");
	assert_true(n < sizeof out);
	assert_int_equal(strlen(out), n);
	n = rd_log_escape(out, 0, sizeof out, "\"\"\"\"\"\"\"\"\"\"");
	assert_true(n < sizeof out && n % 2 == 0); /* never half an escape */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_json_specials),
		cmocka_unit_test(stops_before_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
