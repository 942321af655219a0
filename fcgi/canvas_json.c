/*
 * The compact markers' expansion. A role body from SQL reads
 *   {"@R<id>|<workflow_state>|<base>|<created>|<updated>|<n>:<name>@,"permissions":@B|R|H|o:s,o:s@,...}
 * The head becomes {"id":..,"role":..,"label":..,"base_role_type":..,"workflow_state":..,"created_at":..,
 * "last_updated_at":..,"is_account_role":.. (times in whole seconds since the epoch, written as ISO 8601 UTC;
 * the name, n bytes, written as a JSON string; label, base type shown and is_account_role from the
 * catalogue's row for the base type). The permissions marker becomes {"<name>":{...},...}: for each permission
 * in catalogue order, nothing when it is not listed for (B, R) or is hidden (H), head + fragment(s) + tail
 * when an override state s is given for its ord o, else its precomputed default member. Neither marker can
 * occur inside a JSON string (a quote there is escaped). No JSON parsing.
 */
#define _GNU_SOURCE
#include "canvas_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../db/canvas_roles.h"
#include "log.h"

#define MAX_ORD 255
#define NSTATES 64

static const char *const bases[] = {"AccountAdmin", "AccountMembership", "StudentEnrollment",
				    "TeacherEnrollment", "TaEnrollment", "DesignerEnrollment",
				    "ObserverEnrollment", "NoPermissions"};
#define NBASES (sizeof bases / sizeof bases[0])

struct piece {
	char *s; /* NULL = none */
	size_t n;
};

struct member {
	struct piece text; /* NULL = not listed for this base and kind of account */
	int hidden_by_default;
};

/* What a role's head takes from its base role type (catalogue kind 'r'). */
struct base_facts {
	struct piece label; /* of the built-in role named after the base type; NULL = not loaded */
	int account_role;   /* is_account_role */
	int shown_as_membership; /* a built-in role of this type shows base_role_type AccountMembership */
};

static struct {
	int loaded;
	int nords;
	struct member m[NBASES][2][MAX_ORD + 1];
	struct piece head[MAX_ORD + 1], tail[MAX_ORD + 1], frag[NSTATES];
	struct base_facts base[NBASES];
} cat;

static const char marker[] = "\"permissions\":@";
static const char head_marker[] = "{\"@R";

static int base_index(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NBASES; i++)
		if (strlen(bases[i]) == n && memcmp(bases[i], s, n) == 0)
			return (int)i;
	return -1;
}

static void piece_set(struct piece *p, const char *s, size_t n)
{
	free(p->s);
	p->s = malloc(n + 1);
	if (p->s == NULL)
		abort();
	memcpy(p->s, s, n);
	p->s[n] = '\0';
	p->n = n;
}

/* Frees every piece and marks the catalogue unloaded. */
static void catalog_clear(void)
{
	size_t b;
	int r, o;

	for (b = 0; b < NBASES; b++)
		for (r = 0; r < 2; r++)
			for (o = 0; o <= MAX_ORD; o++)
				free(cat.m[b][r][o].text.s);
	for (o = 0; o <= MAX_ORD; o++) {
		free(cat.head[o].s);
		free(cat.tail[o].s);
	}
	for (o = 0; o < NSTATES; o++)
		free(cat.frag[o].s);
	for (b = 0; b < NBASES; b++)
		free(cat.base[b].label.s);
	memset(&cat, 0, sizeof cat);
}

/* One catalogue row: kind, base_role_type, is_root, ord, member, hidden_by_default (rd_canvas_json_catalog). */
static int catalog_row(const char *kind, const char *base, int is_root, long long ord, const char *text,
		       size_t len, int hidden)
{
	if (ord < 1 || ord > MAX_ORD || (text == NULL && strcmp(kind, "m") != 0))
		return -1;
	if (strcmp(kind, "m") == 0) {
		int b = base_index(base, strlen(base));
		if (b < 0)
			return -1;
		if (text != NULL)
			piece_set(&cat.m[b][is_root ? 1 : 0][ord].text, text, len);
		cat.m[b][is_root ? 1 : 0][ord].hidden_by_default = hidden;
		if (ord > cat.nords)
			cat.nords = (int)ord;
	} else if (strcmp(kind, "p") == 0) {
		piece_set(&cat.head[ord], text, len);
		piece_set(&cat.tail[ord], base, strlen(base));
	} else if (strcmp(kind, "s") == 0) {
		if (ord > NSTATES)
			return -1;
		piece_set(&cat.frag[ord - 1], text, len);
	} else if (strcmp(kind, "r") == 0) {
		int b = base_index(base, strlen(base));
		if (b < 0)
			return -1;
		piece_set(&cat.base[b].label, text, len);
		cat.base[b].account_role = is_root;
		cat.base[b].shown_as_membership = hidden;
	} else {
		return -1;
	}
	return 0;
}

enum rd_err rd_canvas_json_load(struct rd_db *db)
{
	struct rd_res *res = NULL;
	struct rd_dberr err;
	enum rd_err e;
	int i, n;

	if (cat.loaded)
		return RD_OK;
	memset(&err, 0, sizeof err);
	e = rd_db_exec(db, &rd_dbcanvas_json_catalog, NULL, &res, &err);
	if (e != RD_OK) {
		rd_log("error", "role JSON catalogue: database error %s: %s", err.sqlstate, err.message);
		goto out;
	}
	e = RD_ERR_INTERNAL;
	n = rd_res_nrows(res);
	for (i = 0; i < n; i++)
		if (catalog_row(rd_res_value(res, i, 0), rd_res_value(res, i, 1), rd_res_bool(res, i, 2),
				rd_res_int(res, i, 3), rd_res_isnull(res, i, 4) ? NULL : rd_res_value(res, i, 4),
				(size_t)rd_res_len(res, i, 4), rd_res_bool(res, i, 5)) != 0)
			goto bad;
	for (i = 0; i < NSTATES; i++)
		if (cat.frag[i].s == NULL)
			goto bad;
	for (i = 1; i <= cat.nords; i++)
		if (cat.head[i].s == NULL)
			goto bad;
	if (cat.nords == 0)
		goto bad;
	for (i = 0; i < (int)NBASES; i++)
		if (cat.base[i].label.s == NULL)
			goto bad;
	cat.loaded = 1;
	e = RD_OK;
	goto out;
bad:
	rd_log("error", "role JSON catalogue: rd_canvas_json_catalog() answered an incomplete catalogue");
out:
	if (e != RD_OK)
		catalog_clear();
	rd_res_free(res);
	return e;
}

/* Reads a decimal number from *p (before end); -1 when there is none. */
static long number(const char **p, const char *end)
{
	long v = 0;
	int any = 0;

	while (*p < end && **p >= '0' && **p <= '9' && v <= 100000) {
		v = v * 10 + (**p - '0');
		(*p)++;
		any = 1;
	}
	return any ? v : -1;
}

/* Expands one marker body (between '@' and '@'); 0 or -1 when malformed. */
static int expand_one(const char *p, const char *end, struct rd_buf *out)
{
	const char *bar = memchr(p, '|', (size_t)(end - p));
	unsigned char hide[MAX_ORD + 1];
	const struct member *row;
	int b, root, o, first = 1;
	long ov_ord = -1, ov_state = 0;

	if (bar == NULL || (b = base_index(p, (size_t)(bar - p))) < 0)
		return -1;
	p = bar + 1;
	if (end - p < 2 || (p[0] != '0' && p[0] != '1') || p[1] != '|')
		return -1;
	root = p[0] == '1';
	p += 2;
	row = cat.m[b][root];
	if (p < end && *p == 'D') {
		for (o = 0; o <= MAX_ORD; o++)
			hide[o] = (unsigned char)row[o].hidden_by_default;
		p++;
	} else {
		memset(hide, 0, sizeof hide);
		while (p < end && *p != '|') {
			long h = number(&p, end);
			if (h < 1 || h > MAX_ORD)
				return -1;
			hide[h] = 1;
			if (p < end && *p == '.')
				p++;
		}
	}
	if (p >= end || *p != '|')
		return -1;
	p++;

	rd_buf_append(out, "{", 1);
	for (o = 1; o <= cat.nords; o++) {
		/* the next override at or after o */
		while (ov_ord < o && p < end) {
			ov_ord = number(&p, end);
			if (ov_ord < 1 || p >= end || *p != ':')
				return -1;
			p++;
			ov_state = number(&p, end);
			if (ov_state < 0 || ov_state >= NSTATES)
				return -1;
			if (p < end && *p == ',')
				p++;
		}
		if (row[o].text.s == NULL || hide[o])
			continue;
		if (!first)
			rd_buf_append(out, ",", 1);
		first = 0;
		if (ov_ord == o) {
			rd_buf_append(out, cat.head[o].s, cat.head[o].n);
			rd_buf_append(out, cat.frag[ov_state].s, cat.frag[ov_state].n);
			rd_buf_append(out, cat.tail[o].s, cat.tail[o].n);
		} else {
			rd_buf_append(out, row[o].text.s, row[o].text.n);
		}
	}
	if (p != end || ov_ord > cat.nords)
		return -1; /* an override past the catalogue, or trailing text */
	rd_buf_append(out, "}", 1);
	return 0;
}

/* Appends s[0..n) as a JSON string, escaped as PostgreSQL's to_json escapes text. */
static void put_jstr(struct rd_buf *out, const char *s, size_t n)
{
	size_t i, run = 0;
	char esc[8];

	rd_buf_append(out, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *r = NULL;

		switch (c) {
		case '\b': r = "\\b"; break;
		case '\f': r = "\\f"; break;
		case '\n': r = "\\n"; break;
		case '\r': r = "\\r"; break;
		case '\t': r = "\\t"; break;
		case '"': r = "\\\""; break;
		case '\\': r = "\\\\"; break;
		default:
			if (c < ' ') {
				snprintf(esc, sizeof esc, "\\u%04x", c);
				r = esc;
			}
		}
		if (r == NULL)
			continue;
		rd_buf_append(out, s + run, i - run);
		rd_buf_puts(out, r);
		run = i + 1;
	}
	rd_buf_append(out, s + run, n - run);
	rd_buf_append(out, "\"", 1);
}

/* Reads an optionally negative decimal of at most 18 digits up to sep; 0 or -1 when there is none. */
static int field_ll(const char **p, const char *end, char sep, long long *v)
{
	int neg = 0, digits = 0;

	*v = 0;
	if (*p < end && **p == '-') {
		neg = 1;
		(*p)++;
	}
	while (*p < end && **p >= '0' && **p <= '9' && digits < 18) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || *p >= end || **p != sep)
		return -1;
	(*p)++;
	if (neg)
		*v = -*v;
	return 0;
}

/* Reads [a-zA-Z_]+ up to '|'; its length, or 0 when malformed. */
static size_t field_word(const char **p, const char *end)
{
	const char *s = *p;

	while (*p < end && ((**p >= 'a' && **p <= 'z') || (**p >= 'A' && **p <= 'Z') || **p == '_'))
		(*p)++;
	if (*p == s || *p >= end || **p != '|')
		return 0;
	(*p)++;
	return (size_t)(*p - s - 1);
}

/* Appends "YYYY-MM-DDTHH:MM:SSZ" for secs since the epoch (years 1 to 9999); -1 outside them. */
static int put_iso(struct rd_buf *out, long long secs)
{
	time_t t = (time_t)secs;
	struct tm tm;
	char s[32];
	int n;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 1 || tm.tm_year + 1900 > 9999)
		return -1;
	n = snprintf(s, sizeof s, "\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
		     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	rd_buf_append(out, s, (size_t)n);
	return 0;
}

/*
 * Expands a role head whose body starts at p (after the head marker) into out; the text after its closing
 * '@', or NULL when malformed.
 */
static const char *expand_head(const char *p, const char *end, struct rd_buf *out)
{
	const char *ws, *base;
	size_t wsn, basen;
	long long id, created, updated, namelen;
	int b, nb, built_in;
	const struct piece *label;

	if (field_ll(&p, end, '|', &id) != 0 || id < 1)
		return NULL;
	ws = p;
	if ((wsn = field_word(&p, end)) == 0)
		return NULL;
	base = p;
	if ((basen = field_word(&p, end)) == 0 || (b = base_index(base, basen)) < 0)
		return NULL;
	if (field_ll(&p, end, '|', &created) != 0 || field_ll(&p, end, '|', &updated) != 0 ||
	    field_ll(&p, end, ':', &namelen) != 0 || namelen < 0 || namelen >= end - p || p[namelen] != '@')
		return NULL;
	built_in = wsn == 8 && memcmp(ws, "built_in", 8) == 0;
	/* a built-in role's label is its catalogue label (the role is named after its base type) */
	nb = built_in ? base_index(p, (size_t)namelen) : -1;
	label = nb >= 0 ? &cat.base[nb].label : NULL;

	rd_buf_printf(out, "{\"id\":%lld,\"role\":", id);
	put_jstr(out, p, (size_t)namelen);
	rd_buf_puts(out, ",\"label\":");
	if (label != NULL)
		put_jstr(out, label->s, label->n);
	else
		put_jstr(out, p, (size_t)namelen);
	rd_buf_puts(out, ",\"base_role_type\":\"");
	if (built_in && cat.base[b].shown_as_membership)
		rd_buf_puts(out, "AccountMembership");
	else
		rd_buf_append(out, base, basen);
	rd_buf_puts(out, "\",\"workflow_state\":\"");
	rd_buf_append(out, ws, wsn);
	rd_buf_puts(out, "\",\"created_at\":");
	if (put_iso(out, created) != 0)
		return NULL;
	rd_buf_puts(out, ",\"last_updated_at\":");
	if (put_iso(out, updated) != 0)
		return NULL;
	rd_buf_puts(out, cat.base[b].account_role ? ",\"is_account_role\":true" : ",\"is_account_role\":false");
	return p + namelen + 1;
}

enum rd_err rd_canvas_json_expand(const char *in, size_t len, struct rd_buf *out)
{
	const char *p = in, *end = in + len;

	for (;;) {
		const char *m = memmem(p, (size_t)(end - p), marker, sizeof marker - 1);
		const char *h = memmem(p, (size_t)(end - p), head_marker, sizeof head_marker - 1);
		const char *body, *close;

		if (h != NULL && (m == NULL || h < m)) {
			if (!cat.loaded)
				return RD_ERR_INTERNAL;
			rd_buf_append(out, p, (size_t)(h - p));
			p = expand_head(h + sizeof head_marker - 1, end, out);
			if (p == NULL)
				return RD_ERR_INTERNAL;
			continue;
		}
		if (m == NULL)
			break;
		if (!cat.loaded)
			return RD_ERR_INTERNAL;
		body = m + sizeof marker - 1;
		close = memchr(body, '@', (size_t)(end - body));
		if (close == NULL)
			return RD_ERR_INTERNAL;
		rd_buf_append(out, p, (size_t)(body - 1 - p)); /* up to and including "permissions": */
		if (expand_one(body, close, out) != 0)
			return RD_ERR_INTERNAL;
		p = close + 1;
	}
	rd_buf_append(out, p, (size_t)(end - p));
	return RD_OK;
}

/* Whether key is "<x>" or ends in "_<x>" (Canvas' /(^|_)id$/ and /(^|_)ids$/). */
static int key_is(const char *key, const char *x)
{
	size_t n = strlen(key), m = strlen(x);

	return n >= m && strcmp(key + n - m, x) == 0 && (n == m || key[n - m - 1] == '_');
}

static json_t *id_string(json_t *v)
{
	char digits[24];

	snprintf(digits, sizeof digits, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return json_string(digits);
}

void rd_canvas_json_stringify_ids(json_t *v)
{
	const char *key;
	json_t *x, *y;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			rd_canvas_json_stringify_ids(x);
		return;
	}
	if (!json_is_object(v))
		return;
	json_object_foreach(v, key, x) {
		if (json_is_integer(x) && key_is(key, "id")) {
			json_object_set_new(v, key, id_string(x));
		} else if (json_is_array(x) && key_is(key, "ids")) {
			json_array_foreach(x, i, y) {
				if (json_is_integer(y))
					json_array_set_new(x, i, id_string(y));
			}
		} else {
			rd_canvas_json_stringify_ids(x);
		}
	}
}

int rd_canvas_json_wants_string_ids(const char *accept)
{
	return accept != NULL && strstr(accept, "application/json+canvas-string-ids") != NULL;
}
