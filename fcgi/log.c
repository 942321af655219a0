#define _GNU_SOURCE
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

size_t rd_log_escape(char *dst, size_t len, size_t cap, const char *s)
{
	for (; *s != '\0' && len + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			dst[len++] = '\\';
			dst[len++] = (char)c;
		} else if (c == '\n') {
			dst[len++] = '\\';
			dst[len++] = 'n';
		} else if (c < 0x20) {
			len += (size_t)snprintf(dst + len, cap - len, "\\u%04x", c);
		} else {
			dst[len++] = (char)c;
		}
	}
	dst[len] = '\0';
	return len;
}

void rd_log(const char *level, const char *fmt, ...)
{
	char msg[1024], line[2400];
	struct timespec wall;
	struct tm tm;
	char ts[32];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) /* libpq's messages end in a newline */
		msg[--n] = '\0';
	clock_gettime(CLOCK_REALTIME, &wall);
	gmtime_r(&wall.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = (size_t)snprintf(line, sizeof line, "{\"time\":\"%s\",\"level\":\"%s\",\"pid\":%d,\"msg\":\"", ts, level,
			     (int)getpid());
	n = rd_log_escape(line, n, sizeof line - 3, msg);
	line[n++] = '"';
	line[n++] = '}';
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, n) < 0) {
		/* nowhere left to report it */
	}
}
