/* A growable byte buffer. Out of memory aborts the worker (the supervisor replaces it). */
#ifndef RD_BUF_H
#define RD_BUF_H

#include <stddef.h>

struct rd_buf {
	char *p;     /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
};

void rd_buf_append(struct rd_buf *b, const char *s, size_t n);
void rd_buf_puts(struct rd_buf *b, const char *s);
void rd_buf_printf(struct rd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s in Ruby CGI.escape form (unreserved a-zA-Z0-9_.-~ kept, space as '+', rest %XX). */
void rd_buf_cgi_escape(struct rd_buf *b, const char *s);
/* Takes the contents (caller frees) and empties the buffer. Never NULL. */
char *rd_buf_take(struct rd_buf *b);
void rd_buf_free(struct rd_buf *b);

#endif
