/*
 * libFuzzer target for the token header (fcgi/auth.c). Input: "AUTHORIZATION\nQUERY" (C strings, as
 * FastCGI hands them over). Properties: the hash is "" or 64 hex digits; a Bearer token hashes to the
 * SHA-256 of the token without surrounding blanks; the same token as access_token hashes the same; an
 * access_token of any shape counts as a token and is gone from the parameters afterwards.
 */
#define _GNU_SOURCE
#include <string.h>

#include "../../fcgi/auth.h"
#include "../../fcgi/params.h"
#include "../../fcgi/request.h"
#include "fuzz.h"

static void check_hash(const char *h)
{
	size_t i;

	FUZZ_ASSERT(h[0] == '\0' || strlen(h) == 64);
	for (i = 0; h[i]; i++)
		FUZZ_ASSERT(strchr("0123456789abcdef", h[i]) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size), *nl, want[65];
	struct rd_params_error perr;
	struct rd_req req;
	int rc, has_param;

	if (s == NULL)
		abort();
	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	memset(&req, 0, sizeof req);
	req.params = json_object();
	if (nl && rd_params_parse_query(req.params, nl + 1, strlen(nl + 1), &rd_params_default_limits, &perr) !=
		      RD_PARAMS_OK)
		json_object_clear(req.params);
	/* a blank string is no token (Canvas: params["access_token"].presence) */
	{
		json_t *p = json_object_get(req.params, "access_token");
		has_param = p != NULL && !(json_is_string(p) && strspn(json_string_value(p), " \t\r\n\f\v") ==
								     strlen(json_string_value(p)));
	}
	rc = rd_auth_from_request(&req, s);
	check_hash(req.token_hash);
	FUZZ_ASSERT(rc == 0 || rc == -1);
	/* the credential itself goes no further than its hash */
	FUZZ_ASSERT(json_object_get(req.params, "access_token") == NULL);
	/* an access_token of any other shape is a token presented (unless a Bearer header came first) */
	if (has_param && strncmp(s, "Bearer ", 7) != 0)
		FUZZ_ASSERT(req.token_hash[0] != '\0');
	if (strncmp(s, "Bearer ", 7) == 0) {
		const char *t = s + 7;
		size_t n;
		while (*t == ' ')
			t++;
		n = strlen(t);
		while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		FUZZ_ASSERT((rc == 0) == (n > 0 && n <= 512));
		if (rc == 0) {
			char h[65];
			rd_auth_sha256_hex(t, n, want);
			FUZZ_ASSERT(strcmp(req.token_hash, want) == 0);
			/* the same token as access_token (parameters are always valid UTF-8; a blank one is none) */
			memcpy(h, req.token_hash, sizeof h);
			if (rd_params_utf8_valid(t, n) && strspn(t, " \t\r\n\f\v") < n) {
				json_object_set_new(req.params, "access_token", json_stringn(t, n));
				FUZZ_ASSERT(rd_auth_from_request(&req, NULL) == 0 && strcmp(req.token_hash, h) == 0);
			}
		}
	}
	rd_req_reset(&req);
	free(s);
	return 0;
}
