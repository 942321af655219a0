/*
 * db/: the only code that talks to PostgreSQL (the only includer of libpq-fe.h).
 *
 * One connection per worker process. Every request is ONE prepared statement in ONE implicit transaction:
 * SELECT * FROM api.<op>($1 host, $2 token_hash, ...), a SECURITY DEFINER function that authenticates the
 * request itself (the application role can reach data no other way) and answers the operation's rows plus
 * a context row (tenant, user, outcome). So authentication, authorization and the work cost one statement
 * and one round trip, and a failure rolls back everything.
 *
 * Statements are declared where they are used (one db/<resource>.c per resource) as static
 * struct rd_stmt objects; they are prepared lazily on first use per connection.
 */
#ifndef RD_DB_H
#define RD_DB_H

#include "errcode.h"

#include <stddef.h>

#define RD_MUSTCHECK __attribute__((warn_unused_result))

struct rd_db;
struct rd_res;

struct rd_stmt {
	const char *name;
	const char *sql;
	int nparams;
	unsigned prepared_gen; /* connection generation it was prepared on; 0 = never */
};
#define RD_STMT(name, sql, nparams) { (name), (sql), (nparams), 0 }
/* Most parameters of an operation (a request statement adds host and token hash in front). */
#define RD_MAX_PARAMS 14

/* Identity of the request, in; what the api function's context row said, out. */
struct rd_dbctx {
	const char *host;       /* normalised request host */
	const char *token_hash; /* hex SHA-256 of the presented token, or NULL */
	const char *request_id; /* nginx's request id (audit trail), or NULL; the last argument of every api.* call */
	long long tenant_id;
	long long user_id;      /* 0 = anonymous */
	double db_ms;           /* time spent waiting on the database */
};

/*
 * An api function's answer of one value, as rd_answer (migrations/functions/90_api.sql) frames it:
 * "tenant,user,sqlstate,msglen,bodylen\n", then a failure's message and detail, or a success's value.
 * Pointers into the parsed text; state_len 0 = success.
 */
struct rd_answer {
	long long tenant_id, user_id; /* 0 = none */
	const char *state, *msg, *detail, *body;
	size_t state_len, msg_len, detail_len, body_len;
	int has_body;
};
/* 0, or -1 when s is not such an answer (then the call is an internal error). */
int rd_db_parse_answer(const char *s, size_t len, struct rd_answer *a);

/* What the database said when a call failed; message/detail are PostgreSQL's primary message and DETAIL. */
struct rd_dberr {
	char sqlstate[6];
	char message[256];
	char detail[2048];
};

/*
 * How statements travel (ROLESD_DB_PREPARED): ON prepares each once per connection (PQprepare, then
 * PQexecPrepared by name); OFF sends each with PQexecParams (an unnamed statement, parsed and planned
 * per call; needed behind PgBouncer < 1.21 in transaction mode, where a named statement prepared on one
 * server connection is not there on the next); AUTO starts prepared and switches to unnamed for good at
 * the first sign of such a pooler (SQLSTATE 26000 or 42P05, which mean nothing ran; the call is retried).
 */
enum rd_db_prepared { RD_DB_PREPARED_AUTO = 0, RD_DB_PREPARED_ON, RD_DB_PREPARED_OFF };

/* Connection from DATABASE_URL (or the PG* variables). NULL only on out-of-memory; a connection that
 * cannot be made now is retried by the next call. */
struct rd_db *rd_db_create(const char *conninfo, enum rd_db_prepared mode);
void rd_db_free(struct rd_db *db);

/*
 * Runs rd_ctx + stmt(params) as one pipelined transaction. On success *out is a new result the caller
 * frees with rd_res_free (may be NULL if out is NULL). On failure returns the mapped error and fills err.
 * A lost connection is reset and answered RD_ERR_UNAVAILABLE; the next call reconnects.
 */
enum rd_err rd_db_call(struct rd_db *db, struct rd_dbctx *ctx, struct rd_stmt *stmt,
		       const char *const *params, struct rd_res **out, struct rd_dberr *err) RD_MUSTCHECK;

/* A statement with no request context (health checks, admin CLI). */
enum rd_err rd_db_exec(struct rd_db *db, struct rd_stmt *stmt, const char *const *params,
		       struct rd_res **out, struct rd_dberr *err) RD_MUSTCHECK;

/*
 * An explicit transaction around several calls (Idempotency-Key: claim the key, run the write, store the
 * answer, all or nothing). Inside it no call is retried on a new connection. A commit that did not
 * commit (a failed transaction answers ROLLBACK) is RD_ERR_UNAVAILABLE. Rollback is a no-op outside one.
 */
enum rd_err rd_db_begin(struct rd_db *db, struct rd_dberr *err) RD_MUSTCHECK;
enum rd_err rd_db_commit(struct rd_db *db, struct rd_dberr *err) RD_MUSTCHECK;
void rd_db_rollback(struct rd_db *db);

/* Connections made so far (first and reconnects), and whether one is up now: for metrics. */
unsigned rd_db_connects(const struct rd_db *db);
int rd_db_connected(const struct rd_db *db);

/* Result accessors. Values are borrowed from the result and live until rd_res_free. */
int rd_res_nrows(const struct rd_res *res);
int rd_res_isnull(const struct rd_res *res, int row, int col);
const char *rd_res_value(const struct rd_res *res, int row, int col); /* "" for NULL */
int rd_res_len(const struct rd_res *res, int row, int col);
long long rd_res_int(const struct rd_res *res, int row, int col);    /* 0 for NULL */
int rd_res_bool(const struct rd_res *res, int row, int col);         /* 't' -> 1 */
void rd_res_free(struct rd_res *res);

/* SQLSTATE -> error enum, the one translation (style.md §5). */
enum rd_err rd_db_map_sqlstate(const char *sqlstate);

#endif
