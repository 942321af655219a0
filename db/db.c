/*
 * Connection, lazily prepared statements, the pipelined request call, and the one result checker.
 */
#define _GNU_SOURCE
#include "db.h"

#include "../fcgi/log.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rd_db {
	char *conninfo;
	PGconn *conn;
	unsigned gen; /* bumped on every (re)connect; statements prepared on an older one are re-prepared */
	enum rd_db_prepared mode;
	int in_tx;    /* inside rd_db_begin .. rd_db_commit/rollback: no statement may be retried */
	int unnamed;  /* 1: send every statement with PQexecParams (mode off, or auto saw a pooler) */
};

struct rd_res {
	PGresult *pg;
	int nrows;        /* rows of the operation: an api.* call's last row is its context row */
	const char *body; /* a framed answer's value (inside pg), its one row and column; NULL for rows */
	int body_len;
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	if (src == NULL)
		src = "";
	snprintf(dst, cap, "%s", src);
}

static void copy_n(char *dst, size_t cap, const char *src, size_t n)
{
	snprintf(dst, cap, "%.*s", n < cap ? (int)n : (int)cap - 1, src);
}

enum rd_err rd_db_map_sqlstate(const char *s)
{
	if (s == NULL || strlen(s) != 5)
		return RD_ERR_INTERNAL;
	/* rolesd's own codes, raised by the SQL functions in migrations/ */
	if (strcmp(s, "RDH04") == 0)
		return RD_ERR_UNKNOWN_HOST;
	if (strcmp(s, "RD401") == 0)
		return RD_ERR_INVALID_TOKEN;
	if (strcmp(s, "RDU01") == 0)
		return RD_ERR_UNAUTHENTICATED;
	if (strcmp(s, "RD403") == 0)
		return RD_ERR_FORBIDDEN;
	if (strcmp(s, "RD404") == 0)
		return RD_ERR_NOT_FOUND;
	if (strcmp(s, "RDR04") == 0)
		return RD_ERR_ROLE_NOT_FOUND;
	if (strcmp(s, "RDP04") == 0)
		return RD_ERR_PAGE_NOT_FOUND;
	if (strcmp(s, "RD400") == 0)
		return RD_ERR_BAD_REQUEST;
	if (strcmp(s, "RD422") == 0)
		return RD_ERR_INVALID;
	if (strcmp(s, "RD409") == 0)
		return RD_ERR_CONFLICT;
	if (strcmp(s, "RDRO1") == 0 || strcmp(s, "25006") == 0)
		return RD_ERR_READ_ONLY;
	/* PostgreSQL's own */
	if (strcmp(s, "23505") == 0)
		return RD_ERR_CONFLICT;
	if (strcmp(s, "23503") == 0)
		return RD_ERR_NOT_FOUND;
	if (strcmp(s, "22P02") == 0 || strcmp(s, "22023") == 0 || strcmp(s, "22003") == 0 ||
	    strcmp(s, "22001") == 0 || strcmp(s, "22021") == 0 || strcmp(s, "22007") == 0 ||
	    strcmp(s, "22008") == 0 || strcmp(s, "22P05") == 0)
		return RD_ERR_BAD_REQUEST;
	if (strcmp(s, "57014") == 0)
		return RD_ERR_TIMEOUT;
	if (strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 || strcmp(s, "57P02") == 0 ||
	    strcmp(s, "57P03") == 0 || strcmp(s, "53300") == 0)
		return RD_ERR_UNAVAILABLE;
	if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
		return RD_ERR_CONFLICT;
	return RD_ERR_INTERNAL;
}

/*
 * The one result checker (after psql's AcceptResult): OK statuses pass; anything else is translated
 * through its SQLSTATE, with the server's message and DETAIL kept for the error body. A result without a
 * SQLSTATE on a dead connection is a lost connection.
 */
static enum rd_err check_result(struct rd_db *db, const PGresult *r, struct rd_dberr *err)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	const char *state;

	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_SINGLE_TUPLE ||
	    st == PGRES_PIPELINE_SYNC)
		return RD_OK;
	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (err != NULL) {
		copy_str(err->sqlstate, sizeof err->sqlstate, state);
		copy_str(err->message, sizeof err->message,
			 r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(db->conn));
		copy_str(err->detail, sizeof err->detail, r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL);
	}
	if (state == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return RD_ERR_UNAVAILABLE;
	return rd_db_map_sqlstate(state);
}

struct rd_db *rd_db_create(const char *conninfo, enum rd_db_prepared mode)
{
	struct rd_db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	db->mode = mode;
	db->unnamed = mode == RD_DB_PREPARED_OFF;
	db->conninfo = strdup(conninfo ? conninfo : "");
	if (db->conninfo == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void rd_db_free(struct rd_db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

/* What the server says outside an answer (a WARNING or NOTICE, e.g. "terminating connection due to
 * immediate shutdown command") goes to the log as one JSON line; libpq's default prints it raw on stderr. */
static void on_notice(void *arg, const char *message)
{
	(void)arg;
	rd_log("warning", "database: %s", message);
}

/* Makes sure there is a live connection; a failed attempt is retried on the next request. */
static enum rd_err ensure_conn(struct rd_db *db, struct rd_dberr *err)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return RD_OK;
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->conn = PQconnectdb(db->conninfo);
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (err != NULL) {
			copy_str(err->sqlstate, sizeof err->sqlstate, "08006");
			copy_str(err->message, sizeof err->message, db->conn ? PQerrorMessage(db->conn) : "out of memory");
			err->detail[0] = '\0';
		}
		if (db->conn != NULL) {
			PQfinish(db->conn);
			db->conn = NULL;
		}
		return RD_ERR_UNAVAILABLE;
	}
	PQsetNoticeProcessor(db->conn, on_notice, NULL);
	/*
	 * No session state: every setting a request needs is made inside its api.* function (its SET clause
	 * pins search_path and plan_cache_mode = force_generic_plan for the plans cached inside), so the
	 * connection can be any pooled server connection.
	 */
	db->gen++;
	if (db->gen == 0)
		db->gen = 1;
	return RD_OK;
}

static enum rd_err prepare(struct rd_db *db, struct rd_stmt *st, struct rd_dberr *err)
{
	PGresult *r;
	enum rd_err e;

	if (db->unnamed || st->prepared_gen == db->gen)
		return RD_OK;
	r = PQprepare(db->conn, st->name, st->sql, 0, NULL); /* types inferred from the function */
	e = check_result(db, r, err);
	PQclear(r);
	if (e == RD_OK)
		st->prepared_gen = db->gen;
	return e;
}

static void drop_conn(struct rd_db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
}

/*
 * An idle connection has nothing to read: the server speaks only when asked. If its socket is readable
 * (the FATAL a server sends its clients when it shuts down, or end of file after a restart or crash), the
 * connection is dead. Found out before a statement is sent, that is safe to act on: nothing ran. libpq is not
 * asked to read it (it would print the server's FATAL on stderr as a notice, outside the JSON log).
 */
static void drop_if_dead(struct rd_db *db)
{
	struct pollfd p;

	if (db->conn == NULL || db->in_tx || PQstatus(db->conn) != CONNECTION_OK)
		return;
	p.fd = PQsocket(db->conn);
	p.events = POLLIN;
	p.revents = 0;
	if (p.fd < 0 || poll(&p, 1, 0) != 0)
		drop_conn(db);
}

/* The api.* functions that answer rows end them with a row of five columns: ctx_err, ctx_msg, ctx_detail,
 * ctx_tenant_id, ctx_user_id (migrations/functions/90_api.sql). */
#define CTX_COLS 5

static enum rd_err no_context(PGresult *r, struct rd_dberr *err)
{
	PQclear(r);
	if (err != NULL) {
		copy_str(err->sqlstate, sizeof err->sqlstate, "XX000");
		copy_str(err->message, sizeof err->message, "api function answered no context");
		err->detail[0] = '\0';
	}
	return RD_ERR_INTERNAL;
}

/* A decimal field of an answer's head, up to its delimiter: -1 when empty (SQL NULL), -2 when malformed. */
static long long head_field(const char **p, const char *end, char delim)
{
	long long v = -1;

	if (*p < end && **p != delim)
		for (v = 0; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
			if (v > 100000000000000LL)
				return -2;
			v = v * 10 + (**p - '0');
		}
	if (*p >= end || **p != delim)
		return -2;
	(*p)++;
	return v;
}

int rd_db_parse_answer(const char *s, size_t len, struct rd_answer *a)
{
	const char *p = s, *end = s + len, *nl = memchr(s, '\n', len);
	long long msglen, bodylen;

	memset(a, 0, sizeof *a);
	if (nl == NULL)
		return -1;
	a->tenant_id = head_field(&p, nl, ',');
	a->user_id = head_field(&p, nl, ',');
	a->state = p;
	while (p < nl && *p != ',')
		p++;
	a->state_len = (size_t)(p - a->state);
	if (p < nl)
		p++;
	msglen = head_field(&p, nl + 1, ',');
	bodylen = head_field(&p, nl + 1, '\n');
	if (a->tenant_id == -2 || a->user_id == -2 || msglen == -2 || bodylen == -2 || a->state_len > 5 ||
	    (msglen > 0 ? msglen : 0) + (bodylen > 0 ? bodylen : 0) > end - p)
		return -1;
	if (a->tenant_id < 0)
		a->tenant_id = 0;
	if (a->user_id < 0)
		a->user_id = 0;
	a->msg = p;
	a->msg_len = msglen > 0 ? (size_t)msglen : 0;
	a->has_body = bodylen >= 0;
	a->body_len = bodylen > 0 ? (size_t)bodylen : 0;
	a->body = end - a->body_len;
	a->detail = a->msg + a->msg_len;
	a->detail_len = (size_t)(a->body - a->detail);
	return 0;
}

/* An api function's answer of one value (rd_answer, 90_api.sql; parsed by rd_db_parse_answer). */
static enum rd_err framed(PGresult *r, struct rd_dbctx *ctx, struct rd_res **out, struct rd_dberr *err)
{
	struct rd_answer a;
	enum rd_err e;

	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0) ||
	    rd_db_parse_answer(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), &a) != 0)
		return no_context(r, err);
	ctx->tenant_id = a.tenant_id;
	ctx->user_id = a.user_id;
	if (a.state_len > 0) {
		char code[6];

		copy_n(code, sizeof code, a.state, a.state_len);
		if (err != NULL) {
			copy_str(err->sqlstate, sizeof err->sqlstate, code);
			copy_n(err->message, sizeof err->message, a.msg, a.msg_len);
			copy_n(err->detail, sizeof err->detail, a.detail, a.detail_len);
		}
		e = rd_db_map_sqlstate(code);
		PQclear(r);
		return e == RD_OK ? RD_ERR_INTERNAL : e;
	}
	if (out == NULL) {
		PQclear(r);
		return RD_OK;
	}
	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		abort();
	(*out)->pg = r;
	(*out)->nrows = a.has_body;
	(*out)->body = a.body;
	(*out)->body_len = (int)a.body_len;
	return RD_OK;
}

/*
 * One request statement: SELECT * FROM api.<op>($1 host, $2 token_hash, $3 ..., $N request id). The function
 * authenticates, runs the operation and answers its rows plus the context row, whose outcome is
 * translated here like any SQLSTATE. Without ctx the statement runs as it is (health checks, catalogue).
 */
static enum rd_err exec_stmt(struct rd_db *db, struct rd_dbctx *ctx, struct rd_stmt *stmt,
			     const char *const *params, struct rd_res **out, struct rd_dberr *err)
{
	const char *all[RD_MAX_PARAMS + 3];
	const char *const *p = params;
	int n = stmt->nparams, nrows, c0;
	PGresult *r;
	enum rd_err e;

	if (ctx != NULL) {
		if (n > RD_MAX_PARAMS)
			abort();
		all[0] = ctx->host;
		all[1] = ctx->token_hash;
		if (n > 0)
			memcpy(all + 2, params, (size_t)n * sizeof *all);
		all[n + 2] = ctx->request_id;
		p = all;
		n += 3;
	}
	if (db->unnamed)
		r = PQexecParams(db->conn, stmt->sql, n, NULL, p, NULL, NULL, 0);
	else
		r = PQexecPrepared(db->conn, stmt->name, n, p, NULL, NULL, 0);
	e = check_result(db, r, err);
	if (e != RD_OK) {
		PQclear(r);
		return e;
	}
	nrows = PQntuples(r);
	if (ctx != NULL && PQnfields(r) == 1)
		return framed(r, ctx, out, err);
	if (ctx != NULL) {
		c0 = PQnfields(r) - CTX_COLS;
		if (nrows < 1 || c0 < 0) {
			PQclear(r);
			if (err != NULL) {
				copy_str(err->sqlstate, sizeof err->sqlstate, "XX000");
				copy_str(err->message, sizeof err->message, "api function answered no context row");
				err->detail[0] = '\0';
			}
			return RD_ERR_INTERNAL;
		}
		nrows--;
		ctx->tenant_id = PQgetisnull(r, nrows, c0 + 3) ? 0 : atoll(PQgetvalue(r, nrows, c0 + 3));
		ctx->user_id = PQgetisnull(r, nrows, c0 + 4) ? 0 : atoll(PQgetvalue(r, nrows, c0 + 4));
		if (!PQgetisnull(r, nrows, c0)) {
			const char *state = PQgetvalue(r, nrows, c0);
			if (err != NULL) {
				copy_str(err->sqlstate, sizeof err->sqlstate, state);
				copy_str(err->message, sizeof err->message, PQgetvalue(r, nrows, c0 + 1));
				copy_str(err->detail, sizeof err->detail, PQgetvalue(r, nrows, c0 + 2));
			}
			e = rd_db_map_sqlstate(state);
			PQclear(r);
			return e == RD_OK ? RD_ERR_INTERNAL : e;
		}
	}
	if (out != NULL) {
		*out = calloc(1, sizeof **out);
		if (*out == NULL)
			abort();
		(*out)->pg = r;
		(*out)->nrows = nrows;
	} else {
		PQclear(r);
	}
	return RD_OK;
}

/*
 * A transaction pooler that does not track prepared statements (PgBouncer < 1.21 in transaction mode)
 * gives each statement whichever server connection is free: a statement prepared on one is missing on the
 * next (26000), or another client already prepared the name there (42P05). Neither ran anything, so in
 * auto mode the worker switches to unnamed statements for good and the call is retried.
 */
static int pooler_symptom(const struct rd_db *db, enum rd_err e, const struct rd_dberr *err)
{
	return db->mode == RD_DB_PREPARED_AUTO && !db->unnamed && e != RD_OK && err != NULL &&
	       (strcmp(err->sqlstate, "26000") == 0 || strcmp(err->sqlstate, "42P05") == 0);
}

static enum rd_err call(struct rd_db *db, struct rd_dbctx *ctx, struct rd_stmt *stmt,
			const char *const *params, struct rd_res **out, struct rd_dberr *err)
{
	struct rd_dberr local;
	enum rd_err e;
	double t0 = now_ms();
	int attempt, reconnected = 0;

	if (out != NULL)
		*out = NULL;
	if (err == NULL)
		err = &local;
	/*
	 * A statement that was sent is never sent again when its answer is lost: it may have committed, and
	 * running a write twice is worse than a 503 (Idempotency-Key is how a client retries safely). So a
	 * connection that died while idle (server restart) is found before sending (drop_if_dead), and only
	 * what did not run is retried: a PREPARE on a connection that turned out dead, once; and a statement
	 * that a pooler refused (auto mode, below).
	 */
	for (attempt = 0; attempt < 3; attempt++) {
		int was_connected, sent = 0;

		drop_if_dead(db);
		was_connected = db->conn != NULL;
		e = ensure_conn(db, err);
		if (e != RD_OK)
			break;
		if ((e = prepare(db, stmt, err)) != RD_OK)
			goto check;
		sent = 1;
		e = exec_stmt(db, ctx, stmt, params, out, err);
check:
		if (pooler_symptom(db, e, err)) {
			rd_log("warning", "prepared statements do not survive the connection pooler (%s); "
					  "using unnamed statements", err->sqlstate);
			db->unnamed = 1;
			if (db->in_tx) { /* the error aborted the transaction: the client retries the request */
				e = RD_ERR_UNAVAILABLE;
				break;
			}
			continue;
		}
		if (db->in_tx) /* a retry on a new connection would run outside the transaction */
			break;
		if (e != RD_ERR_UNAVAILABLE || sent || !was_connected || reconnected)
			break;
		if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
			break;
		drop_conn(db);
		reconnected = 1;
	}
	if (ctx != NULL)
		ctx->db_ms += now_ms() - t0;
	return e;
}

/* One plain command (BEGIN, COMMIT, ROLLBACK) on the current connection. */
static enum rd_err command(struct rd_db *db, const char *sql, struct rd_dberr *err)
{
	PGresult *r = PQexec(db->conn, sql);
	enum rd_err e = check_result(db, r, err);

	PQclear(r);
	return e;
}

enum rd_err rd_db_begin(struct rd_db *db, struct rd_dberr *err)
{
	enum rd_err e = ensure_conn(db, err);

	if (e == RD_OK && db->conn != NULL && PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
		drop_conn(db); /* a dead or confused connection: start from a fresh one */
		e = ensure_conn(db, err);
	}
	if (e == RD_OK)
		e = command(db, "BEGIN", err);
	if (e == RD_ERR_UNAVAILABLE && PQstatus(db->conn) != CONNECTION_OK) {
		/* a connection that died while idle (server restart): nothing ran, so try once more */
		drop_conn(db);
		e = ensure_conn(db, err);
		if (e == RD_OK)
			e = command(db, "BEGIN", err);
	}
	db->in_tx = e == RD_OK;
	return e;
}

enum rd_err rd_db_commit(struct rd_db *db, struct rd_dberr *err)
{
	enum rd_err e = RD_ERR_UNAVAILABLE;

	if (db->in_tx && db->conn != NULL) {
		e = command(db, "COMMIT", err);
		/* COMMIT of a transaction that failed answers ROLLBACK, with no error */
		if (e == RD_OK && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
			e = RD_ERR_UNAVAILABLE;
	}
	db->in_tx = 0;
	return e;
}

void rd_db_rollback(struct rd_db *db)
{
	if (db->in_tx && db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		(void)command(db, "ROLLBACK", NULL);
	db->in_tx = 0;
}

enum rd_err rd_db_call(struct rd_db *db, struct rd_dbctx *ctx, struct rd_stmt *stmt,
		       const char *const *params, struct rd_res **out, struct rd_dberr *err)
{
	return call(db, ctx, stmt, params, out, err);
}

enum rd_err rd_db_exec(struct rd_db *db, struct rd_stmt *stmt, const char *const *params,
		       struct rd_res **out, struct rd_dberr *err)
{
	return call(db, NULL, stmt, params, out, err);
}

unsigned rd_db_connects(const struct rd_db *db)
{
	return db->gen;
}

int rd_db_connected(const struct rd_db *db)
{
	return db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK;
}

int rd_res_nrows(const struct rd_res *res)
{
	return res && res->pg ? res->nrows : 0;
}

int rd_res_isnull(const struct rd_res *res, int row, int col)
{
	if (res != NULL && res->body != NULL)
		return row != 0 || col != 0 || res->nrows == 0;
	return res == NULL || res->pg == NULL || row >= res->nrows || col >= PQnfields(res->pg) ||
	       PQgetisnull(res->pg, row, col);
}

/* A framed answer's value ends its text, so it is NUL-terminated like any value. */
const char *rd_res_value(const struct rd_res *res, int row, int col)
{
	if (rd_res_isnull(res, row, col))
		return "";
	return res->body != NULL ? res->body : PQgetvalue(res->pg, row, col);
}

int rd_res_len(const struct rd_res *res, int row, int col)
{
	if (rd_res_isnull(res, row, col))
		return 0;
	return res->body != NULL ? res->body_len : PQgetlength(res->pg, row, col);
}

long long rd_res_int(const struct rd_res *res, int row, int col)
{
	return rd_res_isnull(res, row, col) ? 0 : atoll(rd_res_value(res, row, col));
}

int rd_res_bool(const struct rd_res *res, int row, int col)
{
	return !rd_res_isnull(res, row, col) && rd_res_value(res, row, col)[0] == 't';
}

void rd_res_free(struct rd_res *res)
{
	if (res == NULL)
		return;
	PQclear(res->pg);
	free(res);
}
