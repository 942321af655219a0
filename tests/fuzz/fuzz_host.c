/*
 * libFuzzer target for host normalisation and the host decision (fcgi/host.c). Input:
 * "REQUEST_HOST\nHTTP_HOST" (C strings). Properties: a normalised host is at most 255 bytes of lower-case
 * host characters without a port, normalising is idempotent, a Host header never disagrees with the
 * host it normalises to, and a Host header that is served holds only host characters and a numeric port.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <string.h>

#include "../../fcgi/host.h"
#include "fuzz.h"

static void check_normal(const char *h)
{
	char *again = rd_host_normalise(h, strlen(h));
	const char *p;

	FUZZ_ASSERT(strlen(h) <= 255);
	for (p = h; *p; p++)
		FUZZ_ASSERT(!isupper((unsigned char)*p) &&
			    (isalnum((unsigned char)*p) || strchr(".-_[]:", *p) != NULL));
	FUZZ_ASSERT(h[0] == '[' || strchr(h, ':') == NULL);
	FUZZ_ASSERT(strcmp(again, h) == 0);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size), *nl, *norm;
	struct rd_host h;

	if (s == NULL)
		abort();
	nl = strchr(s, '\n');
	if (nl)
		*nl = '\0';
	norm = rd_host_normalise(s, strlen(s));
	check_normal(norm);

	rd_host_decide(&h, s, nl ? nl + 1 : NULL);
	check_normal(h.host);
	FUZZ_ASSERT(h.header != NULL);
	/* a header that is served (Link URLs repeat it) holds host characters and a numeric port only */
	if (!h.malformed && !h.mismatch && h.host[0] != '\0') {
		const char *p;
		for (p = h.header; *p; p++)
			FUZZ_ASSERT(isalnum((unsigned char)*p) || strchr(".-_[]:", *p) != NULL);
	}
	rd_host_free(&h);

	/* nginx's $host for a Host header is that header normalised: never a mismatch */
	rd_host_decide(&h, norm, s);
	FUZZ_ASSERT(!h.mismatch || norm[0] == '\0');
	rd_host_free(&h);
	free(norm);
	free(s);
	return 0;
}
