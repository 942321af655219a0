/*
 * One parameter tree per request, whatever the encoding.
 *
 * Query strings and application/x-www-form-urlencoded / multipart/form-data bodies use Rails' bracket
 * nesting: "a=1" -> {"a":"1"}, "a[b][c]=1" -> {"a":{"b":{"c":"1"}}}, "a[]=1&a[]=2" -> {"a":["1","2"]}.
 * Values stay strings; a repeated scalar key keeps the last value (Rails). A key used both as a scalar
 * and as a hash/array is a 400 (Rails raises too). JSON bodies must be objects; their members are merged
 * into the same tree with their JSON types.
 *
 * Every parser works on (pointer, length) views, validates UTF-8 after percent-decoding and enforces
 * the limits below; on failure it fills err and the tree may be partly filled (callers discard it).
 */
#ifndef RD_PARAMS_H
#define RD_PARAMS_H

#include <jansson.h>
#include <stddef.h>

struct rd_params_limits {
	size_t max_body;   /* bytes of body accepted */
	size_t max_params; /* key=value pairs (or JSON members, counted recursively) */
	size_t max_key;    /* bytes of one decoded key */
	size_t max_depth;  /* nesting levels: a[b][c] is depth 3 */
};

extern const struct rd_params_limits rd_params_default_limits;

enum rd_params_status {
	RD_PARAMS_OK = 0,
	RD_PARAMS_BAD,         /* malformed: 400 */
	RD_PARAMS_TOO_MANY,    /* over a count/length/depth limit: 400 */
	RD_PARAMS_TOO_LARGE,   /* body over max_body: 413 */
	RD_PARAMS_UNSUPPORTED, /* content type we do not read: 415 */
};

struct rd_params_error {
	char message[160];
};

/* Adds the pairs of a query string (or urlencoded body) s[0..n) to root (a JSON object). */
enum rd_params_status rd_params_parse_query(json_t *root, const char *s, size_t n,
					    const struct rd_params_limits *lim, struct rd_params_error *err)
	__attribute__((warn_unused_result));

/* Adds a request body of the given Content-Type (may be NULL) to root. */
enum rd_params_status rd_params_parse_body(json_t *root, const char *content_type, const char *body, size_t n,
					   const struct rd_params_limits *lim, struct rd_params_error *err)
	__attribute__((warn_unused_result));

/* The string value of v, or NULL when v is absent or not a string (borrowed). */
const char *rd_params_str(const json_t *v);

/* Canvas boolean: true for true, 1, "1", "true", "on", "yes" (case-insensitive); everything else false. */
int rd_params_truthy(const json_t *v);

/*
 * Percent-decodes s[0..n) into a new NUL-terminated string (*out, caller frees) of length *outlen; '+'
 * becomes a space when plus_is_space (forms and query strings, not paths). -1 on a truncated or non-hex
 * escape. The result may contain NUL bytes and invalid UTF-8: callers check.
 */
int rd_params_pct_decode(const char *s, size_t n, int plus_is_space, char **out, size_t *outlen)
	__attribute__((warn_unused_result));

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
int rd_params_utf8_valid(const char *s, size_t n);

#endif
