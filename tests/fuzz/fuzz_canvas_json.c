/*
 * libFuzzer target for the Canvas role JSON expansion (fcgi/canvas_json.c) against a small catalogue
 * whose pieces are JSON. The first byte picks the mode. Properties: text without a marker is copied as it
 * is; a marker that expands inside an object gives a JSON object whose permissions are catalogue names; a
 * role head with any bytes as the name expands, to JSON whose "role" is those bytes when they are UTF-8.
 */
#define _GNU_SOURCE
#include <jansson.h>
#include <string.h>

#include "../../fcgi/canvas_json.c"
#include "fuzz.h"

static void catalogue(void)
{
	static const char *const names[] = {"a", "b", "c"};
	char text[64], head[16];
	int s, o, r;

	if (cat.loaded)
		return;
	for (s = 0; s < NSTATES; s++) {
		snprintf(text, sizeof text, "\"s\":%d", s);
		FUZZ_ASSERT(catalog_row("s", "", 0, s + 1, text, strlen(text), 0) == 0);
	}
	for (o = 1; o <= 3; o++) {
		snprintf(head, sizeof head, "\"%s\":{", names[o - 1]);
		FUZZ_ASSERT(catalog_row("p", o == 2 ? ",\"g\":1}" : "}", 0, o, head, strlen(head), 0) == 0);
		for (r = 0; r < 2; r++) {
			snprintf(text, sizeof text, "\"%s\":{\"s\":0}", names[o - 1]);
			FUZZ_ASSERT(catalog_row("m", "AccountMembership", r, o, o == 3 && !r ? NULL : text,
						strlen(text), o == 2) == 0);
			FUZZ_ASSERT(catalog_row("m", "AccountAdmin", r, o, text, strlen(text), 0) == 0);
		}
	}
	FUZZ_ASSERT(catalog_row("r", "AccountMembership", 1, 1, "AccountMembership", 17, 1) == 0);
	FUZZ_ASSERT(catalog_row("r", "AccountAdmin", 1, 1, "Account Admin", 13, 1) == 0);
	cat.loaded = 1;
}

/* The role head with data as the name: always expands, to an object whose "role" is the name (when UTF-8). */
static void head(const uint8_t *data, size_t size)
{
	struct rd_buf in = {0}, out = {0};
	json_error_t jerr;
	json_t *doc;

	rd_buf_printf(&in, "{\"@R%u|%s|AccountAdmin|%lld|%d|%zu:", size > 0 ? data[0] + 1u : 1u,
		      size > 1 && (data[1] & 1) ? "built_in" : "active", size > 2 ? (long long)data[2] * 99991 : 0LL,
		      0, size);
	rd_buf_append(&in, (const char *)data, size);
	rd_buf_puts(&in, "@,\"x\":1}");
	FUZZ_ASSERT(rd_canvas_json_expand(in.p, in.len, &out) == RD_OK);
	doc = json_loadb(out.p, out.len, JSON_ALLOW_NUL, &jerr);
	if (doc != NULL) {
		json_t *role = json_object_get(doc, "role");
		FUZZ_ASSERT(json_is_string(role) && json_string_length(role) == size &&
			    memcmp(json_string_value(role), data, size) == 0);
		FUZZ_ASSERT(json_is_string(json_object_get(doc, "created_at")));
		json_decref(doc);
	} else {
		/* only a name that is not UTF-8 (which PostgreSQL's text never is) fails to parse */
		FUZZ_ASSERT(strstr(jerr.text, "decode") != NULL);
	}
	rd_buf_free(&in);
	rd_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_buf in = {0}, out = {0};
	enum rd_err e;

	if (size < 1)
		return 0;
	catalogue();
	if ((data[0] & 3) == 2) {
		head(data + 1, size - 1);
		return 0;
	}
	if (data[0] & 1) {
		/* as SQL answers it: {"id":1,"permissions":@<body>@}, the body without '@' */
		rd_buf_puts(&in, "{\"id\":1,\"permissions\":@");
		for (size_t i = 1; i < size; i++)
			if (data[i] != '@')
				rd_buf_append(&in, (const char *)data + i, 1);
		rd_buf_puts(&in, "@}");
		e = rd_canvas_json_expand(in.p, in.len, &out);
		if (e == RD_OK) {
			json_error_t jerr;
			json_t *doc = json_loadb(out.p, out.len, 0, &jerr), *perms, *v;
			const char *k;
			FUZZ_ASSERT(doc != NULL);
			perms = json_object_get(doc, "permissions");
			FUZZ_ASSERT(json_is_object(perms));
			json_object_foreach(perms, k, v) {
				FUZZ_ASSERT(strlen(k) == 1 && strchr("abc", k[0]) != NULL);
				FUZZ_ASSERT(json_is_integer(json_object_get(v, "s")));
			}
			json_decref(doc);
		}
	} else {
		e = rd_canvas_json_expand((const char *)data + 1, size - 1, &out);
		FUZZ_ASSERT(e == RD_OK || e == RD_ERR_INTERNAL);
		if (memmem(data + 1, size - 1, marker, sizeof marker - 1) == NULL &&
		    memmem(data + 1, size - 1, head_marker, sizeof head_marker - 1) == NULL)
			FUZZ_ASSERT(e == RD_OK && out.len == size - 1 && (size == 1 || memcmp(out.p, data + 1, size - 1) == 0));
	}
	rd_buf_free(&in);
	rd_buf_free(&out);
	return 0;
}
