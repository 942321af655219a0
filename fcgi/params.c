/*
 * Request parameters: query strings, urlencoded and multipart forms with Rails bracket nesting, and JSON
 * bodies, all into one jansson tree. See params.h for the rules.
 */
#define _GNU_SOURCE
#include "params.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct rd_params_limits rd_params_default_limits = {
	.max_body = 1024 * 1024,
	.max_params = 1000,
	.max_key = 256,
	.max_depth = 8,
};

static enum rd_params_status fail(struct rd_params_error *err, enum rd_params_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum rd_params_status fail(struct rd_params_error *err, enum rd_params_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return st;
}

int rd_params_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t len;
		unsigned cp, min;

		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if ((size_t)(end - p) < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += len;
	}
	return 1;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int rd_params_pct_decode(const char *s, size_t n, int plus_is_space, char **out, size_t *outlen)
{
	char *d = malloc(n + 1);
	size_t i, j = 0;

	if (d == NULL)
		abort();
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n) {
				free(d);
				return -1;
			}
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0) {
				free(d);
				return -1;
			}
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (s[i] == '+' && plus_is_space) {
			d[j++] = ' ';
		} else {
			d[j++] = s[i];
		}
	}
	d[j] = '\0';
	*out = d;
	*outlen = j;
	return 0;
}

/* Parse state shared by one parse call. */
struct pctx {
	const struct rd_params_limits *lim;
	struct rd_params_error *err;
	size_t count;
};

/*
 * Splits a decoded key "a[b][][c]" into segments: "a", "b", "", "c" ("" = array push).
 * Returns the number of segments, or -1 if malformed (unbalanced brackets, junk between them).
 */
#define MAX_SEGS 32
static int split_key(char *key, char *segs[MAX_SEGS])
{
	char *p = strchr(key, '[');
	int n = 0;

	if (p == NULL) {
		segs[n++] = key;
		return n;
	}
	if (p == key)
		return -1;
	*p = '\0';
	segs[n++] = key;
	p++;
	for (;;) {
		char *close = strchr(p, ']');
		if (close == NULL || memchr(p, '[', (size_t)(close - p)) != NULL)
			return -1;
		*close = '\0';
		if (n == MAX_SEGS)
			return -1;
		segs[n++] = p;
		p = close + 1;
		if (*p == '\0')
			break;
		if (*p != '[')
			return -1;
		p++;
	}
	return n;
}

/*
 * Stores value under the segment path in root, Rails-style. Returns 0, or -1 on a type conflict
 * (err filled).
 */
static int store(struct pctx *c, json_t *root, char **segs, int nsegs, json_t *value)
{
	json_t *node = root;
	int i;

	for (i = 0; i < nsegs; i++) {
		int last = i == nsegs - 1;
		const char *seg = segs[i];
		int next_is_array = !last && segs[i + 1][0] == '\0';

		if (json_is_array(node)) {
			/* "a[][b]=1": Rails appends a hash, or fills the last one if it lacks the key */
			json_t *tail = json_array_size(node) ? json_array_get(node, json_array_size(node) - 1) : NULL;
			if (seg[0] != '\0' || last) {
				if (last) {
					json_array_append_new(node, value);
					return 0;
				}
			}
			if (!last && seg[0] == '\0') {
				/* the array's element is addressed by the next segment */
				const char *k = segs[i + 1];
				if (k[0] == '\0') {
					json_decref(value);
					fail(c->err, RD_PARAMS_BAD, "unsupported nesting in parameter %s", segs[0]);
					return -1;
				}
				if (tail == NULL || !json_is_object(tail) || json_object_get(tail, k) != NULL) {
					tail = json_object();
					json_array_append_new(node, tail);
				}
				node = tail;
				continue;
			}
		}
		if (!json_is_object(node)) {
			json_decref(value);
			fail(c->err, RD_PARAMS_BAD, "conflicting types for parameter %s", segs[0]);
			return -1;
		}
		if (last) {
			json_object_set_new(node, seg, value);
			return 0;
		}
		{
			json_t *child = json_object_get(node, seg);
			if (child == NULL) {
				child = next_is_array ? json_array() : json_object();
				json_object_set_new(node, seg, child);
			} else if (next_is_array ? !json_is_array(child) : !json_is_object(child)) {
				json_decref(value);
				fail(c->err, RD_PARAMS_BAD, "conflicting types for parameter %s", segs[0]);
				return -1;
			}
			node = child;
		}
	}
	json_decref(value);
	return 0;
}

/*
 * One decoded pair. key/val are NUL-terminated, lengths given. A NUL inside either is refused here: every
 * consumer reads values as C strings (and PostgreSQL text cannot hold NUL), so one would silently cut the
 * value short or fail in the database.
 */
static enum rd_params_status add_pair(struct pctx *c, json_t *root, char *key, size_t klen, const char *val,
				      size_t vlen)
{
	char *segs[MAX_SEGS];
	int nsegs;
	json_t *v;

	if (++c->count > c->lim->max_params)
		return fail(c->err, RD_PARAMS_TOO_MANY, "too many parameters (limit %zu)", c->lim->max_params);
	if (klen > c->lim->max_key)
		return fail(c->err, RD_PARAMS_TOO_MANY, "parameter name too long (limit %zu bytes)", c->lim->max_key);
	if (klen == 0)
		return RD_PARAMS_OK; /* "=x" and "&&": ignored, as Rack does */
	if (memchr(key, '\0', klen) != NULL)
		return fail(c->err, RD_PARAMS_BAD, "parameter name contains a NUL byte");
	if (!rd_params_utf8_valid(key, klen))
		return fail(c->err, RD_PARAMS_BAD, "parameter name is not valid UTF-8");
	if (val != NULL && memchr(val, '\0', vlen) != NULL)
		return fail(c->err, RD_PARAMS_BAD, "parameter %.60s contains a NUL byte", key);
	if (val != NULL && !rd_params_utf8_valid(val, vlen))
		return fail(c->err, RD_PARAMS_BAD, "invalid UTF-8 in parameter %.60s", key);
	nsegs = split_key(key, segs);
	if (nsegs < 0)
		return fail(c->err, RD_PARAMS_BAD, "malformed parameter name");
	if ((size_t)nsegs > c->lim->max_depth)
		return fail(c->err, RD_PARAMS_TOO_MANY, "parameter nested too deeply (limit %zu)", c->lim->max_depth);
	v = val != NULL ? json_stringn(val, vlen) : json_null();
	if (v == NULL)
		return fail(c->err, RD_PARAMS_BAD, "invalid parameter value");
	if (store(c, root, segs, nsegs, v) != 0)
		return RD_PARAMS_BAD;
	return RD_PARAMS_OK;
}

static enum rd_params_status parse_urlencoded(struct pctx *c, json_t *root, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t end = amp ? (size_t)(amp - s) : n;
		const char *eq = memchr(s + i, '=', end - i);
		size_t kend = eq ? (size_t)(eq - s) : end;
		char *key = NULL, *val = NULL;
		size_t klen, vlen = 0;
		enum rd_params_status st;

		if (end > i) {
			/* a name without '=' has no value: null, as Rack's nil (`?page` is no page) */
			if (rd_params_pct_decode(s + i, kend - i, 1, &key, &klen) != 0 ||
			    (eq != NULL && rd_params_pct_decode(eq + 1, end - kend - 1, 1, &val, &vlen) != 0)) {
				free(key);
				return fail(c->err, RD_PARAMS_BAD, "malformed percent-encoding in parameters");
			}
			st = add_pair(c, root, key, klen, val, vlen);
			free(key);
			free(val);
			if (st != RD_PARAMS_OK)
				return st;
		}
		i = end + 1;
	}
	return RD_PARAMS_OK;
}

enum rd_params_status rd_params_parse_query(json_t *root, const char *s, size_t n,
					    const struct rd_params_limits *lim, struct rd_params_error *err)
{
	struct pctx c = {lim, err, 0};

	err->message[0] = '\0';
	return parse_urlencoded(&c, root, s, n);
}

/* Appends "[seg]" (or seg at the top) to the Rails-style name of a JSON member, for messages. */
static void name_push(char *name, size_t cap, const char *seg, int top)
{
	size_t n = strlen(name);

	if (n < cap)
		snprintf(name + n, cap - n, top ? "%s" : "[%s]", seg);
}

/*
 * Counts JSON members recursively, checks depth, and refuses strings holding NUL (JSON_ALLOW_NUL lets
 * jansson keep them so that the member can be named). name holds the member's Rails-style name
 * ("role[permissions][]"), truncated to its buffer.
 */
static enum rd_params_status json_within(json_t *v, size_t depth, struct pctx *c, char *name, size_t cap)
{
	enum rd_params_status st;
	size_t mark = strlen(name);

	if (depth > c->lim->max_depth + 1)
		return fail(c->err, RD_PARAMS_TOO_MANY, "JSON body nested too deeply (limit %zu)", c->lim->max_depth);
	if (json_is_string(v)) {
		if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
			return fail(c->err, RD_PARAMS_BAD, "parameter %.60s contains a NUL byte", name);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *m;
		json_object_foreach(v, k, m) {
			if (++c->count > c->lim->max_params || strlen(k) > c->lim->max_key)
				return fail(c->err, RD_PARAMS_TOO_MANY, "JSON body over the parameter limits");
			name_push(name, cap, k, depth == 1);
			st = json_within(m, depth + 1, c, name, cap);
			if (st != RD_PARAMS_OK)
				return st;
			name[mark] = '\0';
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			if (++c->count > c->lim->max_params)
				return fail(c->err, RD_PARAMS_TOO_MANY, "JSON body over the parameter limits");
			name_push(name, cap, "", depth == 1);
			st = json_within(m, depth + 1, c, name, cap);
			if (st != RD_PARAMS_OK)
				return st;
			name[mark] = '\0';
		}
	}
	return RD_PARAMS_OK;
}

static enum rd_params_status parse_json(struct pctx *c, json_t *root, const char *s, size_t n)
{
	json_error_t jerr;
	json_t *doc;
	char name[128] = "";
	enum rd_params_status st;

	/* jansson rejects invalid UTF-8 and NUL in keys itself; NUL in strings is refused by json_within */
	doc = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
	if (doc == NULL && strncmp(jerr.text, "NUL byte in object key", 22) == 0)
		return fail(c->err, RD_PARAMS_BAD, "parameter name contains a NUL byte");
	if (doc == NULL)
		return fail(c->err, RD_PARAMS_BAD, "malformed JSON body: %.100s", jerr.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return fail(c->err, RD_PARAMS_BAD, "JSON body must be an object");
	}
	st = json_within(doc, 1, c, name, sizeof name);
	if (st != RD_PARAMS_OK) {
		json_decref(doc);
		return st;
	}
	json_object_update(root, doc);
	json_decref(doc);
	return RD_PARAMS_OK;
}

/* Case-insensitive search for needle in s[0..n). */
static const char *memcasestr(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i;

	for (i = 0; i + m <= n; i++)
		if (strncasecmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

/*
 * Extracts attr="value" (or attr=value) from a header value into out (NUL-terminated). -1 if absent or
 * too long, -2 when the value holds a NUL byte (it would cut the name short).
 */
static int header_attr(const char *h, size_t hn, const char *attr, char *out, size_t outsz)
{
	char pat[32];
	const char *p = h, *end = h + hn;

	snprintf(pat, sizeof pat, "%s=", attr);
	while ((p = memcasestr(p, (size_t)(end - p), pat)) != NULL) {
		/* must start a parameter: preceded by ';' or whitespace */
		if (p > h && p[-1] != ';' && p[-1] != ' ' && p[-1] != '\t') {
			p++;
			continue;
		}
		p += strlen(pat);
		size_t len = 0;
		if (p < end && *p == '"') {
			const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
			if (q == NULL)
				return -1;
			len = (size_t)(q - p - 1);
			p++;
		} else {
			while (p + len < end && p[len] != ';' && p[len] != ' ' && p[len] != '\t' && p[len] != '\r')
				len++;
		}
		if (len == 0 || len >= outsz)
			return -1;
		if (memchr(p, '\0', len) != NULL)
			return -2;
		memcpy(out, p, len);
		out[len] = '\0';
		return 0;
	}
	return -1;
}

static enum rd_params_status parse_multipart(struct pctx *c, json_t *root, const char *ctype, const char *s,
					     size_t n)
{
	char boundary[128], delim[134], name[512];
	size_t dlen;
	const char *p, *end = s + n;

	if (header_attr(ctype, strlen(ctype), "boundary", boundary, sizeof boundary) != 0)
		return fail(c->err, RD_PARAMS_BAD, "multipart body without a boundary");
	dlen = (size_t)snprintf(delim, sizeof delim, "--%s", boundary);
	p = memmem(s, n, delim, dlen);
	if (p == NULL)
		return fail(c->err, RD_PARAMS_BAD, "malformed multipart body");
	p += dlen;
	for (;;) {
		const char *hdr_end, *next, *body, *line;
		size_t body_len, klen;
		int have_name = 0;
		enum rd_params_status st;

		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return RD_PARAMS_OK; /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return fail(c->err, RD_PARAMS_BAD, "malformed multipart body");
		p += 2;
		hdr_end = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (hdr_end == NULL)
			return fail(c->err, RD_PARAMS_BAD, "malformed multipart part headers");
		for (line = p; line < hdr_end;) {
			const char *eol = memmem(line, (size_t)(hdr_end - line) + 2, "\r\n", 2);
			size_t ll = (size_t)(eol - line);
			if (ll > 20 && strncasecmp(line, "content-disposition:", 20) == 0) {
				int a = header_attr(line + 20, ll - 20, "name", name, sizeof name);
				if (a == -2)
					return fail(c->err, RD_PARAMS_BAD, "parameter name contains a NUL byte");
				if (a != 0)
					return fail(c->err, RD_PARAMS_BAD, "multipart part without a name");
				have_name = 1;
			}
			line = eol + 2;
		}
		if (!have_name)
			return fail(c->err, RD_PARAMS_BAD, "multipart part without a name");
		body = hdr_end + 4;
		next = memmem(body, (size_t)(end - body), delim, dlen);
		if (next == NULL || next - body < 2 || next[-2] != '\r' || next[-1] != '\n')
			return fail(c->err, RD_PARAMS_BAD, "truncated multipart body");
		body_len = (size_t)(next - 2 - body);
		klen = strlen(name);
		st = add_pair(c, root, name, klen, body, body_len);
		if (st != RD_PARAMS_OK)
			return st;
		p = next + dlen;
	}
}

enum rd_params_status rd_params_parse_body(json_t *root, const char *content_type, const char *body, size_t n,
					   const struct rd_params_limits *lim, struct rd_params_error *err)
{
	struct pctx c = {lim, err, 0};
	const char *ct = content_type ? content_type : "";
	size_t mlen = strcspn(ct, "; \t");

	err->message[0] = '\0';
	if (n > lim->max_body)
		return fail(err, RD_PARAMS_TOO_LARGE, "request body too large (limit %zu bytes)", lim->max_body);
	if (n == 0)
		return RD_PARAMS_OK;
	if (mlen == 16 && strncasecmp(ct, "application/json", 16) == 0)
		return parse_json(&c, root, body, n);
	if (mlen == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0)
		return parse_urlencoded(&c, root, body, n);
	if (mlen == 19 && strncasecmp(ct, "multipart/form-data", 19) == 0)
		return parse_multipart(&c, root, ct, body, n);
	if (mlen == 0) {
		/* curl -d without -H: treat as a form, like Rack does for POST bodies without a type */
		return parse_urlencoded(&c, root, body, n);
	}
	return fail(err, RD_PARAMS_UNSUPPORTED, "unsupported content type");
}

/* Ruby's String#to_i != 0: optional whitespace, sign, leading digits. */
static int ruby_to_i_nonzero(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' || *s == '\v')
		s++;
	if (*s == '+' || *s == '-')
		s++;
	for (; isdigit((unsigned char)*s) || *s == '_'; s++)
		if (*s >= '1' && *s <= '9')
			return 1;
	return 0;
}

const char *rd_params_str(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

int rd_params_truthy(const json_t *v)
{
	static const char *const yes[] = {"yes", "y", "true", "t", "on", "1", NULL};
	static const char *const no[] = {"no", "n", "false", "f", "off", "0", NULL};
	const char *s;
	int i;

	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_boolean(v))
		return json_is_true(v);
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	if (json_is_real(v)) /* Float#to_i truncates: 0.5 is 0, false */
		return json_real_value(v) >= 1.0 || json_real_value(v) <= -1.0;
	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	for (i = 0; yes[i]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (i = 0; no[i]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return ruby_to_i_nonzero(s);
}
