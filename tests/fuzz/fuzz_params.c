/*
 * libFuzzer target for the parameter parsers (fcgi/params.c). The first byte picks the parser. Properties:
 * a parse either fails with a message or yields a tree whose every string is valid UTF-8 without NUL
 * (issue 13: a NUL used to cut stored text short), within the limits.
 */
#define _GNU_SOURCE
#include <string.h>

#include "../../fcgi/params.h"
#include "fuzz.h"

/* Every string in v: no NUL, valid UTF-8; every key likewise. Counts members into *n. */
static void check_tree(json_t *v, size_t *n)
{
	if (json_is_string(v)) {
		FUZZ_ASSERT(memchr(json_string_value(v), '\0', json_string_length(v)) == NULL);
		FUZZ_ASSERT(rd_params_utf8_valid(json_string_value(v), json_string_length(v)));
	} else if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach(v, k, m) {
			FUZZ_ASSERT(rd_params_utf8_valid(k, strlen(k)));
			(*n)++;
			check_tree(m, n);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			(*n)++;
			check_tree(m, n);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {NULL, "application/json", "application/x-www-form-urlencoded",
					    "multipart/form-data; boundary=XyZ"};
	struct rd_params_error err;
	enum rd_params_status st;
	json_t *root;
	size_t n = 0;

	if (size < 1)
		return 0;
	root = json_object();
	memset(&err, 0, sizeof err);
	if (data[0] % 5 == 4)
		st = rd_params_parse_query(root, (const char *)data + 1, size - 1, &rd_params_default_limits, &err);
	else
		st = rd_params_parse_body(root, types[data[0] % 4], (const char *)data + 1, size - 1,
					  &rd_params_default_limits, &err);
	if (st == RD_PARAMS_OK) {
		check_tree(root, &n);
		/* one pair adds at most one member per level of its name */
		FUZZ_ASSERT(n <= rd_params_default_limits.max_params * rd_params_default_limits.max_depth);
	} else {
		FUZZ_ASSERT(err.message[0] != '\0' || st == RD_PARAMS_UNSUPPORTED);
	}
	json_decref(root);
	return 0;
}
