#define _GNU_SOURCE
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(struct rd_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (p == NULL)
		abort();
	b->p = p;
	b->cap = cap;
}

void rd_buf_append(struct rd_buf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void rd_buf_puts(struct rd_buf *b, const char *s)
{
	rd_buf_append(b, s, strlen(s));
}

void rd_buf_printf(struct rd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void rd_buf_cgi_escape(struct rd_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;

	reserve(b, strlen(s) * 3);
	for (; *u; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
		    *u == '_' || *u == '.' || *u == '-' || *u == '~') {
			b->p[b->len++] = (char)*u;
		} else if (*u == ' ') {
			b->p[b->len++] = '+';
		} else {
			b->p[b->len++] = '%';
			b->p[b->len++] = hex[*u >> 4];
			b->p[b->len++] = hex[*u & 15];
		}
	}
	b->p[b->len] = '\0';
}

char *rd_buf_take(struct rd_buf *b)
{
	char *p = b->p;

	if (p == NULL) {
		p = strdup("");
		if (p == NULL)
			abort();
	}
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void rd_buf_free(struct rd_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
