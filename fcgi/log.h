/*
 * Operational log lines: one JSON object per line on stderr, written with one write(2) so that lines of
 * concurrent workers never interleave (request lines are written the same way, in worker.c).
 *
 *   {"time":"2026-12-01T10:00:00Z","level":"info","pid":123,"msg":"listening on unix:/run/rolesd.sock"}
 */
#ifndef RD_LOG_H
#define RD_LOG_H

#include <stddef.h>

/* level: "info", "warning", "error". The formatted message is JSON-escaped and cut at 1 KiB. */
void rd_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s to dst (capacity cap, NUL-terminated) as the inside of a JSON string; returns the new length.
 * Stops before overflowing. */
size_t rd_log_escape(char *dst, size_t len, size_t cap, const char *s);

#endif
