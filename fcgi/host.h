/*
 * The host a request is for: it picks the tenant, fills absolute Link URLs and is what nginx logs.
 *
 * nginx passes two: REQUEST_HOST ($host: the request line's host for an absolute-form target such as
 * "GET http://b.test/ HTTP/1.1", else the Host header; lower case, no port, no trailing dot; what the
 * access log records) and HTTP_HOST ($http_host: the Host header as sent, with its port, which absolute
 * Link URLs need). One host decides everywhere: the tenant is REQUEST_HOST's, and a Host header naming
 * another host is refused (400) rather than served as one host and logged as the other.
 */
#ifndef RD_HOST_H
#define RD_HOST_H

#include <stddef.h>

/*
 * Host for tenant lookup from h[0..n): lower case, port and one trailing dot removed. Anything outside
 * the characters of a host name or an IP literal, an empty label (".."), or over 255 bytes gives "" (no
 * tenant has it, so the request is a 404 like any unknown host). Idempotent. Returns a new string (caller
 * frees).
 */
char *rd_host_normalise(const char *h, size_t n) __attribute__((warn_unused_result));

struct rd_host {
	char *host;   /* normalised, for the tenant (new string) */
	char *header; /* for absolute URLs: the Host header as sent, else host (new string) */
	int mismatch; /* the Host header names another host than the request line */
	int malformed; /* the Host header is not host[:port] with a numeric port (Link URLs repeat it) */
};

/*
 * Decides the request's host from REQUEST_HOST and HTTP_HOST (either may be NULL). nginx accepts anything
 * but '/' after the colon of a Host header ("a.test:1>; rel=x"), and the header goes into absolute Link
 * URLs as sent, so one whose port is not 0-5 digits is malformed (400).
 */
void rd_host_decide(struct rd_host *out, const char *request_host, const char *http_host);

void rd_host_free(struct rd_host *h);

#endif
