/* Parameter parsing: encodings, Rails nesting, limits and hostile input. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "params.h"

static json_t *parse_q(const char *s, enum rd_params_status want)
{
	struct rd_params_error err;
	json_t *root = json_object();
	enum rd_params_status st = rd_params_parse_query(root, s, strlen(s), &rd_params_default_limits, &err);

	assert_int_equal(st, want);
	return root;
}

static json_t *parse_b(const char *ct, const char *s, size_t n, enum rd_params_status want)
{
	struct rd_params_error err;
	json_t *root = json_object();
	enum rd_params_status st = rd_params_parse_body(root, ct, s, n, &rd_params_default_limits, &err);

	assert_int_equal(st, want);
	if (st != RD_PARAMS_OK)
		assert_true(err.message[0] != '\0');
	return root;
}

static void assert_json(json_t *got, const char *want)
{
	json_t *w = json_loads(want, 0, NULL);
	assert_non_null(w);
	if (!json_equal(got, w)) {
		char *g = json_dumps(got, JSON_SORT_KEYS);
		print_error("got %s, want %s\n", g, want);
		free(g);
		fail();
	}
	json_decref(w);
	json_decref(got);
}

/* Parses s placed right before a PROT_NONE page so that any over-read crashes (picohttpparser's trick). */
static enum rd_params_status parse_at_page_end(const char *s, size_t n)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t span = ((n + (size_t)pg - 1) / (size_t)pg + 1) * (size_t)pg;
	char *m = mmap(NULL, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rd_params_error err;
	json_t *root = json_object();
	enum rd_params_status st;
	char *at;

	assert_true(m != MAP_FAILED);
	assert_int_equal(mprotect(m + span - (size_t)pg, (size_t)pg, PROT_NONE), 0);
	at = m + span - (size_t)pg - n;
	memcpy(at, s, n);
	st = rd_params_parse_query(root, at, n, &rd_params_default_limits, &err);
	json_decref(root);
	munmap(m, span);
	return st;
}

static void test_simple_pairs(void **state)
{
	assert_json(parse_q("a=1&b=two+words&c=%41%42", RD_PARAMS_OK), "{\"a\":\"1\",\"b\":\"two words\",\"c\":\"AB\"}");
	assert_json(parse_q("", RD_PARAMS_OK), "{}");
	assert_json(parse_q("&&a=&=x&b", RD_PARAMS_OK), "{\"a\":\"\",\"b\":null}"); /* Rack: a name without = is nil */
}

static void test_nesting(void **state)
{
	assert_json(parse_q("permissions[read_forum][explicit]=1&permissions[read_forum][enabled]=0", RD_PARAMS_OK),
		    "{\"permissions\":{\"read_forum\":{\"explicit\":\"1\",\"enabled\":\"0\"}}}");
	assert_json(parse_q("state[]=active&state[]=inactive", RD_PARAMS_OK), "{\"state\":[\"active\",\"inactive\"]}");
	assert_json(parse_q("a%5Bb%5D=1", RD_PARAMS_OK), "{\"a\":{\"b\":\"1\"}}");
	assert_json(parse_q("a[][x]=1&a[][y]=2&a[][x]=3", RD_PARAMS_OK), "{\"a\":[{\"x\":\"1\",\"y\":\"2\"},{\"x\":\"3\"}]}");
}

static void test_request_order_kept(void **state)
{
	json_t *root = parse_q("p[z]=1&p[a]=2&p[m]=3", RD_PARAMS_OK);
	const char *k, *want[] = {"z", "a", "m"};
	json_t *v;
	int i = 0;

	json_object_foreach(json_object_get(root, "p"), k, v) {
		assert_string_equal(k, want[i]);
		i++;
	}
	assert_int_equal(i, 3);
	json_decref(root);
}

static void test_duplicates_last_wins(void **state)
{
	assert_json(parse_q("a=1&a=2", RD_PARAMS_OK), "{\"a\":\"2\"}");
	assert_json(parse_q("a[b]=1&a[b]=2", RD_PARAMS_OK), "{\"a\":{\"b\":\"2\"}}");
}

static void test_type_conflicts(void **state)
{
	json_decref(parse_q("a=1&a[b]=2", RD_PARAMS_BAD));
	json_decref(parse_q("a[b]=1&a[]=2", RD_PARAMS_BAD));
	json_decref(parse_q("a[]=1&a[b]=2", RD_PARAMS_BAD));
	json_decref(parse_q("a[b]=1&a=2", RD_PARAMS_OK)); /* scalar replaces: Rails does the same */
}

static void test_malformed_keys(void **state)
{
	json_decref(parse_q("[a]=1", RD_PARAMS_BAD));
	json_decref(parse_q("a[b=1", RD_PARAMS_BAD));
	json_decref(parse_q("a[b]c=1", RD_PARAMS_BAD));
	json_decref(parse_q("a[[b]]=1", RD_PARAMS_BAD));
	json_decref(parse_q("a[][]=1", RD_PARAMS_BAD));
}

static void test_bad_escapes(void **state)
{
	json_decref(parse_q("a=%", RD_PARAMS_BAD));
	json_decref(parse_q("a=%4", RD_PARAMS_BAD));
	json_decref(parse_q("a=%zz", RD_PARAMS_BAD));
	json_decref(parse_q("%=1", RD_PARAMS_BAD));
	assert_int_equal(parse_at_page_end("a=%", 3), RD_PARAMS_BAD);
	assert_int_equal(parse_at_page_end("a=%4", 4), RD_PARAMS_BAD);
	assert_int_equal(parse_at_page_end("a[b", 3), RD_PARAMS_BAD);
	assert_int_equal(parse_at_page_end("a=1&b", 5), RD_PARAMS_OK);
}

static void test_invalid_utf8(void **state)
{
	json_decref(parse_q("a=%C3%28", RD_PARAMS_BAD));        /* bad continuation */
	json_decref(parse_q("a=%C0%AF", RD_PARAMS_BAD));        /* overlong */
	json_decref(parse_q("a=%ED%A0%80", RD_PARAMS_BAD));     /* surrogate */
	json_decref(parse_q("a=%F4%90%80%80", RD_PARAMS_BAD));  /* > U+10FFFF */
	json_decref(parse_q("a=%E2%82", RD_PARAMS_BAD));        /* truncated */
	json_decref(parse_q("%FF=1", RD_PARAMS_BAD));
	json_decref(parse_q("a%00b=1", RD_PARAMS_BAD));         /* NUL in a key */
	assert_json(parse_q("a=%E2%82%AC%F0%9F%98%80", RD_PARAMS_OK), "{\"a\":\"\u20ac\\ud83d\\ude00\"}");
}

/* Parses with the default limits (n 0: strlen(s)); expects RD_PARAMS_BAD and a message containing want. */
static void assert_refused(const char *ct, const char *s, size_t n, const char *want)
{
	struct rd_params_error err;
	json_t *root = json_object();
	enum rd_params_status st;

	n = n ? n : strlen(s);
	st = ct == NULL ? rd_params_parse_query(root, s, n, &rd_params_default_limits, &err)
			: rd_params_parse_body(root, ct, s, n, &rd_params_default_limits, &err);

	assert_int_equal(st, RD_PARAMS_BAD);
	if (strstr(err.message, want) == NULL) {
		print_error("message \"%s\" lacks \"%s\"\n", err.message, want);
		fail();
	}
	json_decref(root);
}

/* A NUL byte in any text input is a 400 naming the parameter, never a value cut short (issue 13). */
static void test_nul_named(void **state)
{
	static const char mp[] = "--XyZ\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nnul\0tail\r\n--XyZ--\r\n";
	static const char mpkey[] = "--XyZ\r\nContent-Disposition: form-data; name=\"la\0bel\"\r\n\r\nx\r\n--XyZ--\r\n";
	static const char form[] = "label=nul\0tail";

	assert_refused(NULL, "label=nul%00tail", 16, "parameter label contains a NUL byte");
	assert_refused(NULL, "role[label]=%00", 15, "parameter role[label] contains a NUL byte");
	assert_refused(NULL, "user_id[]=1&user_id[]=2%00", 26, "parameter user_id[] contains a NUL byte");
	assert_refused(NULL, "a%00b=1", 7, "parameter name contains a NUL byte");
	assert_refused("application/x-www-form-urlencoded", "label=nul%00tail", 16, "parameter label contains");
	assert_refused("application/x-www-form-urlencoded", form, sizeof form - 1, "parameter label contains");
	assert_refused("multipart/form-data; boundary=XyZ", mp, sizeof mp - 1, "parameter label contains");
	assert_refused("multipart/form-data; boundary=XyZ", mpkey, sizeof mpkey - 1, "parameter name contains");
	assert_refused("application/json", "{\"display_name\":\"a\\u0000b\"}", 0,
		       "parameter display_name contains a NUL byte");
	assert_refused("application/json", "{\"permissions\":[\"x\",\"\\u0000\"]}", 0,
		       "parameter permissions[] contains a NUL byte");
	assert_refused("application/json", "{\"role\":{\"label\":\"\\u0000\"}}", 0,
		       "parameter role[label] contains a NUL byte");
	assert_refused("application/json", "{\"a\\u0000\":1}", 0, "parameter name contains a NUL byte");
	/* U+0000 written any other way is not a NUL escape: overlong forms are invalid UTF-8 */
	assert_refused(NULL, "a=%C0%80", 8, "invalid UTF-8 in parameter a");
}

static void test_limits(void **state)
{
	struct rd_params_limits lim = rd_params_default_limits;
	struct rd_params_error err;
	char key[600], *many;
	json_t *root;
	size_t i, n = 0;

	memset(key, 'k', sizeof key);
	key[sizeof key - 1] = '\0';
	root = json_object();
	assert_int_equal(rd_params_parse_query(root, key, strlen(key), &lim, &err), RD_PARAMS_TOO_MANY);
	json_decref(root);

	json_decref(parse_q("a[b][c][d][e][f][g][h][i]=1", RD_PARAMS_TOO_MANY));
	json_decref(parse_q("a[b][c][d][e][f][g][h]=1", RD_PARAMS_OK));

	many = malloc(20000);
	for (i = 0; i < 1500; i++)
		n += (size_t)sprintf(many + n, "%sk%zu=1", i ? "&" : "", i);
	root = json_object();
	assert_int_equal(rd_params_parse_query(root, many, n, &lim, &err), RD_PARAMS_TOO_MANY);
	json_decref(root);
	free(many);

	lim.max_body = 10;
	root = json_object();
	assert_int_equal(rd_params_parse_body(root, "application/json", "{\"a\":\"0123456789\"}", 18, &lim, &err),
			 RD_PARAMS_TOO_LARGE);
	json_decref(root);
}

static void test_json_body(void **state)
{
	const char *j = "{\"role\":\"R\",\"permissions\":{\"read_forum\":{\"explicit\":true}}}";
	assert_json(parse_b("application/json; charset=utf-8", j, strlen(j), RD_PARAMS_OK),
		    "{\"role\":\"R\",\"permissions\":{\"read_forum\":{\"explicit\":true}}}");
	json_decref(parse_b("application/json", "{\"a\":", 5, RD_PARAMS_BAD));
	json_decref(parse_b("application/json", "[1,2]", 5, RD_PARAMS_BAD));
	json_decref(parse_b("application/json", "{\"a\":1,\"a\":2}", 13, RD_PARAMS_BAD));
	json_decref(parse_b("application/json", "{\"a\":\"\xff\"}", 8, RD_PARAMS_BAD));
	json_decref(parse_b("application/json", "{\"a\":\"\\u0000\"}", 14, RD_PARAMS_BAD));
}

static void test_json_deep_and_huge(void **state)
{
	char deep[4000];
	size_t i, n = 0;

	for (i = 0; i < 1000; i++)
		deep[n++] = '[';
	for (i = 0; i < 1000; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	json_decref(parse_b("application/json", deep, n, RD_PARAMS_BAD)); /* not an object */
	n = (size_t)sprintf(deep, "{\"a\":");
	for (i = 0; i < 50; i++)
		n += (size_t)sprintf(deep + n, "{\"a\":");
	deep[n++] = '1';
	for (i = 0; i < 51; i++)
		deep[n++] = '}';
	json_decref(parse_b("application/json", deep, n, RD_PARAMS_TOO_MANY));
}

static void test_urlencoded_and_untyped_body(void **state)
{
	assert_json(parse_b("application/x-www-form-urlencoded", "a[b]=1", 6, RD_PARAMS_OK), "{\"a\":{\"b\":\"1\"}}");
	assert_json(parse_b(NULL, "a=1", 3, RD_PARAMS_OK), "{\"a\":\"1\"}");
	json_decref(parse_b("text/xml", "<a/>", 4, RD_PARAMS_UNSUPPORTED));
}

static void test_multipart(void **state)
{
	const char *b = "--XyZ\r\nContent-Disposition: form-data; name=\"role\"\r\n\r\nNew Role\r\n"
			"--XyZ\r\nContent-Disposition: form-data; name=\"permissions[read_forum][explicit]\"\r\n\r\n1\r\n"
			"--XyZ--\r\n";
	assert_json(parse_b("multipart/form-data; boundary=XyZ", b, strlen(b), RD_PARAMS_OK),
		    "{\"role\":\"New Role\",\"permissions\":{\"read_forum\":{\"explicit\":\"1\"}}}");
	assert_json(parse_b("multipart/form-data; boundary=\"XyZ\"", b, strlen(b), RD_PARAMS_OK),
		    "{\"role\":\"New Role\",\"permissions\":{\"read_forum\":{\"explicit\":\"1\"}}}");
	json_decref(parse_b("multipart/form-data", b, strlen(b), RD_PARAMS_BAD));
	json_decref(parse_b("multipart/form-data; boundary=XyZ", b, strlen(b) - 12, RD_PARAMS_BAD));
	json_decref(parse_b("multipart/form-data; boundary=XyZ", "--XyZ\r\nX: y\r\n\r\nv\r\n--XyZ--", 25,
			    RD_PARAMS_BAD));
	json_decref(parse_b("multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; "
			    "name=\"a\"\r\n\r\n\xff\r\n--XyZ--\r\n", 53, RD_PARAMS_BAD));
}

static void test_truthy(void **state)
{
	const char *yes[] = {"1", "true", "TRUE", "t", "yes", "Y", "on", "2", " 7x", NULL};
	const char *no[] = {"0", "false", "f", "no", "N", "off", "", "abc", "-0", NULL};
	int i;

	for (i = 0; yes[i]; i++) {
		json_t *v = json_string(yes[i]);
		assert_true(rd_params_truthy(v));
		json_decref(v);
	}
	for (i = 0; no[i]; i++) {
		json_t *v = json_string(no[i]);
		assert_false(rd_params_truthy(v));
		json_decref(v);
	}
	assert_true(rd_params_truthy(json_true()));
	assert_false(rd_params_truthy(json_false()));
	assert_false(rd_params_truthy(NULL));
	assert_false(rd_params_truthy(json_null()));
	/* JSON numbers: to_i != 0, and Float#to_i truncates */
	{
		const double reals[] = {0.0, 0.5, -0.99, 1.0, 1.5, -2.0};
		const int want[] = {0, 0, 0, 1, 1, 1};
		for (i = 0; i < 6; i++) {
			json_t *v = json_real(reals[i]);
			assert_int_equal(rd_params_truthy(v), want[i]);
			json_decref(v);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_pairs),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_request_order_kept),
		cmocka_unit_test(test_duplicates_last_wins),
		cmocka_unit_test(test_type_conflicts),
		cmocka_unit_test(test_malformed_keys),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_nul_named),
		cmocka_unit_test(test_json_body),
		cmocka_unit_test(test_json_deep_and_huge),
		cmocka_unit_test(test_urlencoded_and_untyped_body),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_truthy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
