/*
 * Host normalisation and the one decision of which host a request is for (see host.h).
 */
#define _GNU_SOURCE
#include "host.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d == NULL)
		abort(); /* out of memory ends the worker; the supervisor replaces it */
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *rd_host_normalise(const char *h, size_t n)
{
	const char *end;
	size_t len, i;
	char *out;

	if (h == NULL || n > 255)
		return dup_n("", 0);
	if (n > 0 && h[0] == '[') {
		/* IPv6 literal: up to and including ']', then an optional port */
		end = memchr(h, ']', n);
		if (end == NULL)
			return dup_n("", 0);
		len = (size_t)(end - h) + 1;
	} else {
		end = memchr(h, ':', n);
		len = end != NULL ? (size_t)(end - h) : n;
		if (memmem(h, len, "..", 2) != NULL)
			return dup_n("", 0); /* no host has an empty label (nginx refuses it too) */
		if (len > 0 && h[len - 1] == '.')
			len--; /* "a.test." is the fully qualified "a.test", as nginx's $host has it */
	}
	out = dup_n(h, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];
		if (!(isalnum(c) || c == '.' || c == '-' || c == '_' || c == '[' || c == ']' || c == ':')) {
			out[0] = '\0';
			return out;
		}
		out[i] = (char)tolower(c);
	}
	return out;
}

/* Whether h is a host with at most a numeric port after it: "a.test", "a.test:8080", "[::1]:80", "a.test:". */
static int port_ok(const char *h)
{
	const char *p = h[0] == '[' ? strchr(h, ']') : strchr(h, ':');
	size_t digits;

	if (p == NULL)
		return h[0] != '[';
	if (h[0] == '[')
		p++;
	if (*p == '\0')
		return 1;
	if (*p != ':')
		return 0;
	digits = strspn(p + 1, "0123456789");
	return digits <= 5 && p[1 + digits] == '\0';
}

void rd_host_decide(struct rd_host *out, const char *request_host, const char *http_host)
{
	const char *hh = http_host != NULL ? http_host : "";

	memset(out, 0, sizeof *out);
	out->malformed = hh[0] != '\0' && !port_ok(hh);
	if (request_host == NULL || request_host[0] == '\0') {
		/* an nginx without REQUEST_HOST: the Host header alone decides */
		out->host = rd_host_normalise(hh, strlen(hh));
		out->header = dup_n(hh, strlen(hh));
		return;
	}
	out->host = rd_host_normalise(request_host, strlen(request_host));
	if (hh[0] == '\0') {
		out->header = dup_n(out->host, strlen(out->host));
		return;
	}
	out->header = dup_n(hh, strlen(hh));
	{
		char *from_header = rd_host_normalise(hh, strlen(hh));
		out->mismatch = strcmp(from_header, out->host) != 0;
		free(from_header);
	}
}

void rd_host_free(struct rd_host *h)
{
	free(h->host);
	free(h->header);
	h->host = h->header = NULL;
}
