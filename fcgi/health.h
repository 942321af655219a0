/* `rolesd health`: a FastCGI client for one GET /readyz against a running server (container HEALTHCHECK). */
#ifndef RD_HEALTH_H
#define RD_HEALTH_H

/*
 * Connects to listen ("unix:/path", "host:port", ":port"; a wildcard host means this host), asks
 * GET /readyz and returns the HTTP status it answered, or -1 when there was no answer within timeout_ms.
 */
int rd_health_probe(const char *listen, int timeout_ms) __attribute__((warn_unused_result));

#endif
