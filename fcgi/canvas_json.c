/*
 * The compact marker's expansion. A role body from SQL reads ...,"permissions":@B|R|H|o:s,o:s@,... and
 * becomes ...,"permissions":{"<name>":{...},...},... : for each permission in catalogue order, nothing when
 * it is not listed for (B, R) or is hidden (H), head + fragment(s) + tail when an override state s is given
 * for its ord o, else its precomputed default member. Pure memcpy over text loaded once; no JSON parsing.
 */
#define _GNU_SOURCE
#include "canvas_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static struct {
	int loaded;
	int nords;
	struct member m[NBASES][2][MAX_ORD + 1];
	struct piece head[MAX_ORD + 1], tail[MAX_ORD + 1], frag[NSTATES];
} cat;

static const char marker[] = "\"permissions\":@";

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

enum rd_err rd_canvas_json_expand(const char *in, size_t len, struct rd_buf *out)
{
	const char *p = in, *end = in + len;

	for (;;) {
		const char *m = memmem(p, (size_t)(end - p), marker, sizeof marker - 1);
		const char *body, *close;

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
