#define _GNU_SOURCE
#include "admin.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arbitrary but fixed: the advisory lock every `rolesd migrate` takes. */
#define MIGRATE_LOCK_KEY "7406001"

static PGconn *connect_or_complain(const char *conninfo)
{
	PGconn *c = PQconnectdb(conninfo ? conninfo : "");

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "rolesd: cannot connect to the database: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* Runs sql (no parameters, may be several statements); 0 on success, else prints the error. */
static int run(PGconn *c, const char *sql, const char *what)
{
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

	if (!ok)
		fprintf(stderr, "rolesd: %s: %s", what, PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

static PGresult *run_params(PGconn *c, const char *sql, int n, const char *const *params, const char *what)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "rolesd: %s: %s", what, PQerrorMessage(c));
		PQclear(r);
		return NULL;
	}
	return r;
}

/*
 * run_params for the tenant and token commands: an error is one line, PostgreSQL's primary message
 * (an operator's mistake, such as an unknown feature, needs no CONTEXT of plpgsql frames).
 */
static PGresult *run_params_short(PGconn *c, const char *sql, int n, const char *const *params, const char *what)
{
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	const char *msg;

	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
		msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		if (msg != NULL)
			fprintf(stderr, "rolesd: %s: %s\n", what, msg);
		else
			fprintf(stderr, "rolesd: %s: %s", what, PQerrorMessage(c));
		PQclear(r);
		return NULL;
	}
	return r;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	int i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

/* NNNN_name.sql */
static int is_migration(const char *name)
{
	size_t n = strlen(name);
	int i;

	if (n < 10 || strcmp(name + n - 4, ".sql") != 0 || name[4] != '_')
		return 0;
	for (i = 0; i < 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

/* NN_name.sql, the function source files */
static int is_function_file(const char *name)
{
	size_t n = strlen(name);

	return n > 7 && strcmp(name + n - 4, ".sql") == 0 && name[0] >= '0' && name[0] <= '9' &&
	       name[1] >= '0' && name[1] <= '9' && name[2] == '_';
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's files accepted by keep(), sorted by name; a missing directory is an empty list. */
struct file_list {
	char **names;
	size_t n;
};

static int list_files(const char *dir, int (*keep)(const char *), struct file_list *out, int must_exist)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d = opendir(dir);

	out->names = NULL;
	out->n = 0;
	if (d == NULL) {
		if (!must_exist)
			return 0;
		fprintf(stderr, "rolesd: cannot open migrations directory %s\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!keep(de->d_name))
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->names = realloc(out->names, cap * sizeof *out->names);
			if (out->names == NULL)
				abort();
		}
		out->names[out->n] = strdup(de->d_name);
		if (out->names[out->n] == NULL)
			abort();
		out->n++;
	}
	closedir(d);
	if (out->n > 0)
		qsort(out->names, out->n, sizeof *out->names, cmp_names);
	return 0;
}

static void free_files(struct file_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
}

/* Reads dir/file and its SHA-256; NULL (after a message) if it cannot be read. The caller frees. */
static char *read_sql(const char *dir, const char *file, char sum[65])
{
	char path[4096];
	size_t len = 0;
	char *sql;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	sql = slurp(path, &len);
	if (sql == NULL) {
		fprintf(stderr, "rolesd: cannot read %s\n", path);
		return NULL;
	}
	sha256_hex(sql, len, sum);
	return sql;
}

/* One schema migration inside the caller's transaction: applied once, never edited afterwards. */
static int apply_schema(PGconn *c, const char *dir, const char *file)
{
	char sum[65], version[5];
	const char *params[3];
	char *sql;
	PGresult *r;
	int rc = -1;

	sql = read_sql(dir, file, sum);
	if (sql == NULL)
		return -1;
	memcpy(version, file, 4);
	version[4] = '\0';
	params[0] = version;
	params[1] = file;
	params[2] = sum;

	r = run_params(c, "SELECT name, checksum FROM schema_migrations WHERE version = $1", 1, params,
		       "reading schema_migrations");
	if (r == NULL)
		goto out;
	if (PQntuples(r) == 1) {
		if (strcmp(PQgetvalue(r, 0, 1), sum) != 0) {
			fprintf(stderr,
				"rolesd: migration %s was edited after it was applied (checksum %s, now %s); "
				"schema migrations are append-only: add a new file instead\n",
				file, PQgetvalue(r, 0, 1), sum);
			PQclear(r);
			goto out;
		}
		PQclear(r);
		rc = 0;
		goto out;
	}
	PQclear(r);
	if (run(c, sql, file) != 0)
		goto out;
	r = run_params(c, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", 3, params,
		       "recording migration");
	if (r == NULL)
		goto out;
	PQclear(r);
	fprintf(stderr, "rolesd: applied %s\n", file);
	rc = 0;
out:
	free(sql);
	return rc;
}

/*
 * Drops the functions whose signatures are r's first column; says so for each unless its second column
 * (when there is one) is true, i.e. the function is about to be created again.
 */
static int drop_functions(PGconn *c, PGresult *r)
{
	int k;

	for (k = 0; k < PQntuples(r); k++) {
		const char *sig = PQgetvalue(r, k, 0);
		PGresult *d = run_params(c, "SELECT format('DROP FUNCTION %s', $1::regprocedure)", 1, &sig,
					 "dropping a function");
		if (d == NULL || run(c, PQgetvalue(d, 0, 0), sig) != 0) {
			PQclear(d);
			return -1;
		}
		PQclear(d);
		if (PQnfields(r) < 2 || PQgetvalue(r, k, 1)[0] != 't')
			fprintf(stderr, "rolesd: dropped function %s (no longer in migrations/functions)\n", sig);
	}
	return 0;
}

/*
 * The fold: migrations 0001-0014 (functions redefined file after file) became 0014_baseline.sql (their
 * schema) plus migrations/functions/. A database migrated before it records the old files; its schema is
 * the baseline's, so their rows are replaced by the baseline's row, and the function files (re-applied
 * because schema_functions is empty) bring every function to its one live definition.
 */
#define FOLD_LAST_OLD "0014_permissions_check_statement.sql"
#define FOLD_BASELINE "0014_baseline.sql"

static int fold_legacy(PGconn *c, const char *dir)
{
	char sum[65];
	const char *params[2];
	char *sql;
	PGresult *r;
	int legacy;

	r = run_params(c, "SELECT count(*) FROM schema_migrations WHERE name = '" FOLD_LAST_OLD "'", 0, NULL,
		       "reading schema_migrations");
	if (r == NULL)
		return -1;
	legacy = atoi(PQgetvalue(r, 0, 0)) > 0;
	PQclear(r);
	if (!legacy)
		return 0;
	sql = read_sql(dir, FOLD_BASELINE, sum);
	if (sql == NULL)
		return -1;
	free(sql);
	params[0] = FOLD_BASELINE;
	params[1] = sum;
	r = run_params(c,
		       "WITH gone AS (DELETE FROM schema_migrations WHERE version <= '0014' RETURNING 1) "
		       "INSERT INTO schema_migrations (version, name, checksum) SELECT '0014', $1, $2 "
		       "WHERE (SELECT count(*) FROM gone) = 14",
		       2, params, "folding migrations 0001-0014");
	if (r == NULL)
		return -1;
	if (strcmp(PQcmdTuples(r), "1") != 0) {
		fprintf(stderr, "rolesd: cannot fold: migrations 0001-0014 are not all applied\n");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	fprintf(stderr, "rolesd: folded migrations 0001-0014 into %s\n", FOLD_BASELINE);
	return 0;
}

/*
 * Appends to names (a PostgreSQL text[] literal being built) the schema-qualified name of every
 * "CREATE OR REPLACE FUNCTION [schema.]name(" of sql; unqualified names are in public.
 */
static void defined_functions(const char *sql, char **names, size_t *len, size_t *cap)
{
	static const char key[] = "CREATE OR REPLACE FUNCTION ";
	const char *p = sql;

	while ((p = strcasestr(p, key)) != NULL) {
		const char *b = p + sizeof key - 1, *e = b;
		size_t need;

		while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || (*e >= '0' && *e <= '9') || *e == '_' ||
		       *e == '.')
			e++;
		p = e;
		if (e == b)
			continue;
		need = (size_t)(e - b) + 10;
		if (*len + need + 2 > *cap) {
			*cap = (*cap + need) * 2;
			*names = realloc(*names, *cap);
			if (*names == NULL)
				abort();
		}
		*len += (size_t)sprintf(*names + *len, "%s%s%.*s", *len > 1 ? "," : "",
					memchr(b, '.', (size_t)(e - b)) ? "" : "public.", (int)(e - b), b);
	}
}

/*
 * The function source files: if any differs from what schema_functions recorded (added, edited or
 * removed), all of them are applied again in order (CREATE OR REPLACE), bodies checked once every object
 * exists, and every function of schemas public and api that no file defines any more is dropped: one whose
 * name no file defines, or an older overload of a defined name (its pg_proc row was not rewritten).
 */
static int apply_functions(PGconn *c, const char *dir)
{
	struct file_list files;
	PGresult *known = NULL, *r = NULL;
	char (*sums)[65] = NULL;
	char **sqls = NULL;
	char *names = NULL;
	size_t i, nlen = 1, ncap = 64;
	int changed = 0, rc = -1, k;

	if (list_files(dir, is_function_file, &files, 0) != 0)
		return -1;
	names = malloc(ncap);
	if (names == NULL)
		abort();
	names[0] = '{';
	names[1] = '\0';
	sums = calloc(files.n + 1, sizeof *sums);
	sqls = calloc(files.n + 1, sizeof *sqls);
	if (sums == NULL || sqls == NULL)
		abort();
	for (i = 0; i < files.n; i++)
		if ((sqls[i] = read_sql(dir, files.names[i], sums[i])) == NULL)
			goto out;
	known = run_params(c, "SELECT file, checksum FROM schema_functions ORDER BY file", 0, NULL,
			   "reading schema_functions");
	if (known == NULL)
		goto out;
	if ((size_t)PQntuples(known) != files.n)
		changed = 1;
	for (i = 0; i < files.n && !changed; i++)
		if (strcmp(PQgetvalue(known, (int)i, 0), files.names[i]) != 0 ||
		    strcmp(PQgetvalue(known, (int)i, 1), sums[i]) != 0)
			changed = 1;
	if (!changed) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < files.n; i++)
		defined_functions(sqls[i], &names, &nlen, &ncap);
	memcpy(names + nlen, "}", 2);
	if (run(c,
		"SET LOCAL check_function_bodies = off; "
		"CREATE TEMP TABLE rd_functions_before ON COMMIT DROP AS "
		"SELECT p.oid, p.ctid AS row_ctid FROM pg_proc p WHERE p.pronamespace IN ('public'::regnamespace, "
		"(SELECT oid FROM pg_namespace WHERE nspname = 'api'))",
		"settings") != 0)
		goto out;
	/*
	 * The entry points (schema api) are dropped and created again: nothing in the database depends on them
	 * (rolesd_app calls them by name; 0023 grants EXECUTE on every function created there), and so an entry
	 * point may change its result type in place, which CREATE OR REPLACE refuses.
	 */
	{
		const char *np = names;
		r = run_params(c,
			       "SELECT p.oid::regprocedure::text, n.nspname || '.' || p.proname = ANY ($1::text[]) "
			       "  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'api' "
			       " ORDER BY 1",
			       1, &np, "finding the entry points");
	}
	if (r == NULL)
		goto out;
	if (drop_functions(c, r) != 0)
		goto out;
	PQclear(r);
	r = NULL;
	for (i = 0; i < files.n; i++) {
		int was = 0;

		if (run(c, sqls[i], files.names[i]) != 0)
			goto out;
		for (k = 0; k < PQntuples(known); k++)
			if (strcmp(PQgetvalue(known, k, 0), files.names[i]) == 0 &&
			    strcmp(PQgetvalue(known, k, 1), sums[i]) == 0)
				was = 1;
		if (!was)
			fprintf(stderr, "rolesd: applied functions/%s\n", files.names[i]);
	}
	if (run(c,
		"SET LOCAL check_function_bodies = on; "
		"SELECT fmgr_sql_validator(p.oid) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
		" WHERE p.pronamespace = 'public'::regnamespace AND l.lanname = 'sql' "
		"   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
		"                   AND d.objid = p.oid AND d.deptype = 'e')",
		"checking function bodies") != 0)
		goto out;
	{
		const char *np = names;
		r = run_params(c,
			       "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
			       " WHERE n.nspname IN ('public', 'api') "
			       "   AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass "
			       "                   AND d.objid = p.oid AND d.deptype = 'e') "
			       "   AND (NOT (n.nspname || '.' || p.proname = ANY ($1::text[])) "
			       "        OR EXISTS (SELECT FROM rd_functions_before b WHERE b.oid = p.oid AND b.row_ctid = p.ctid)) "
			       " ORDER BY 1",
			       1, &np, "finding dropped functions");
	}
	if (r == NULL)
		goto out;
	if (drop_functions(c, r) != 0)
		goto out;
	if (run(c, "DELETE FROM schema_functions", "recording functions") != 0)
		goto out;
	for (i = 0; i < files.n; i++) {
		const char *params[2] = { files.names[i], sums[i] };
		PGresult *ins = run_params(c, "INSERT INTO schema_functions (file, checksum) VALUES ($1, $2)", 2,
					   params, "recording functions");
		if (ins == NULL)
			goto out;
		PQclear(ins);
	}
	rc = 0;
out:
	PQclear(known);
	PQclear(r);
	for (i = 0; i < files.n; i++)
		free(sqls[i]);
	free(sqls);
	free(sums);
	free(names);
	free_files(&files);
	return rc;
}

int rd_admin_migrate(const char *conninfo, const char *dir)
{
	PGconn *c = connect_or_complain(conninfo);
	struct file_list files = { NULL, 0 };
	char fdir[4096];
	size_t i;
	int rc = 1;

	if (c == NULL)
		return 1;
	if (run(c, "SET client_min_messages = warning", "settings") != 0)
		goto out;
	if (list_files(dir, is_migration, &files, 1) != 0)
		goto out;
	/* One transaction under one lock: replicas starting together wait here and then find nothing to do. */
	if (run(c, "BEGIN", "begin") != 0)
		goto out;
	if (run(c, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", "advisory lock") != 0)
		goto rollback;
	if (run(c,
		"CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, name text NOT NULL, "
		"checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now()); "
		"CREATE TABLE IF NOT EXISTS schema_functions (file text PRIMARY KEY, checksum text NOT NULL, "
		"applied_at timestamptz NOT NULL DEFAULT now())",
		"creating schema_migrations") != 0)
		goto rollback;
	if (run(c,
		"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rolesd_app') THEN "
		"RAISE EXCEPTION 'role rolesd_app does not exist: create it first (see README, Database roles)'; "
		"END IF; END $$",
		"checking roles") != 0)
		goto rollback;
	if (fold_legacy(c, dir) != 0)
		goto rollback;
	for (i = 0; i < files.n; i++)
		if (apply_schema(c, dir, files.names[i]) != 0)
			goto rollback;
	snprintf(fdir, sizeof fdir, "%s/functions", dir);
	if (apply_functions(c, fdir) != 0)
		goto rollback;
	if (run(c, "COMMIT", "commit") != 0)
		goto out;
	rc = 0;
	goto out;
rollback:
	(void)run(c, "ROLLBACK", "rollback");
out:
	free_files(&files);
	PQfinish(c);
	return rc;
}

/* Host names as a PostgreSQL text[] literal, each element quoted. */
static char *pg_text_array(const char *const *items, int n)
{
	size_t cap = 3;
	int i;
	char *out, *p;

	for (i = 0; i < n; i++)
		cap += strlen(items[i]) * 2 + 3;
	out = malloc(cap);
	if (out == NULL)
		abort();
	p = out;
	*p++ = '{';
	for (i = 0; i < n; i++) {
		const char *s;
		if (i > 0)
			*p++ = ',';
		*p++ = '"';
		for (s = items[i]; *s; s++) {
			if (*s == '"' || *s == '\\')
				*p++ = '\\';
			*p++ = *s;
		}
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
	return out;
}

int rd_admin_tenant_create(const char *conninfo, const char *name, const char *const *hosts, int nhosts,
			   const char *admin_name, const struct rd_admin_token *tok)
{
	PGconn *c = connect_or_complain(conninfo);
	char *harr = NULL;
	const char *params[5];
	PGresult *r = NULL;
	int rc = 1;

	if (c == NULL)
		return 1;
	harr = pg_text_array(hosts, nhosts);
	params[0] = name;
	params[1] = harr;
	params[2] = admin_name;
	params[3] = tok->hash;
	params[4] = tok->hint;
	if (run(c, "BEGIN", "begin") != 0)
		goto out;
	r = run_params_short(c, "SELECT string_agg(DISTINCT lower(h), ', ') FROM unnest($1::text[]) h "
			     "WHERE lower(h) IN (SELECT host FROM tenant_hosts)",
			     1, (const char *const *)&harr, "checking the hosts");
	if (r == NULL)
		goto out;
	if (!PQgetisnull(r, 0, 0)) {
		fprintf(stderr, "rolesd: host already in use by another tenant: %s\n", PQgetvalue(r, 0, 0));
		goto out;
	}
	PQclear(r);
	r = run_params_short(c,
		       "SELECT tenant_id, root_account_id, admin_user_id FROM "
		       "rd_tenant_create($1, $2::text[], $3, $4, $5)",
		       5, params, "creating tenant");
	if (r == NULL || run(c, "COMMIT", "commit") != 0)
		goto out;
	printf("{\"tenant_id\": %s, \"root_account_id\": %s, \"admin_user_id\": %s, \"token\": \"%s\"}\n",
	       PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), tok->token);
	rc = 0;
out:
	PQclear(r);
	free(harr);
	PQfinish(c);
	return rc;
}

int rd_admin_tenant_list(const char *conninfo)
{
	PGconn *c = connect_or_complain(conninfo);
	PGresult *r;
	int i, rc = 1;

	if (c == NULL)
		return 1;
	r = run_params(c,
		       "SELECT json_build_object('tenant_id', t.id, 'name', t.name, 'root_account_id', "
		       "t.root_account_id, 'hosts', (SELECT coalesce(json_agg(h.host ORDER BY h.host), '[]') "
		       "FROM tenant_hosts h WHERE h.tenant_id = t.id))::text FROM tenants t ORDER BY t.id",
		       0, NULL, "listing tenants");
	if (r != NULL) {
		for (i = 0; i < PQntuples(r); i++)
			printf("%s\n", PQgetvalue(r, i, 0));
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

/*
 * Starts a transaction scoped to the tenant of host: tenant data is under row-level security forced for
 * the owner too (0016), so even the CLI sees one tenant at a time. Unknown host: no rows, no writes.
 */
static int begin_as_host(PGconn *c, const char *host)
{
	PGresult *r;

	if (run(c, "BEGIN", "begin") != 0)
		return -1;
	r = run_params_short(c,
		       "SELECT set_config('rolesd.tenant_id', coalesce((SELECT tenant_id FROM tenant_hosts "
		       "WHERE host = lower($1))::text, ''), true)",
		       1, &host, "finding the tenant");
	if (r == NULL || PQgetvalue(r, 0, 0)[0] == '\0') {
		if (r != NULL)
			fprintf(stderr, "rolesd: no tenant on host %s\n", host);
		PQclear(r);
		(void)run(c, "ROLLBACK", "rollback");
		return -1;
	}
	PQclear(r);
	return 0;
}

int rd_admin_tenant_set(const char *conninfo, const char *host, const char *features, const char *settings,
			const char *retention)
{
	PGconn *c = connect_or_complain(conninfo);
	const char *params[3] = {features, settings, retention};
	PGresult *r;
	int rc = 1;

	if (c == NULL)
		return 1;
	if (begin_as_host(c, host) != 0) {
		PQfinish(c);
		return 1;
	}
	r = run_params_short(c, "SELECT rd_tenant_settings_set($1::jsonb, $2::jsonb, $3::int)", 3, params,
		       "setting the tenant's conditions");
	if (r != NULL && PQntuples(r) == 1 && run(c, "COMMIT", "commit") == 0) {
		printf("%s\n", PQgetvalue(r, 0, 0));
		rc = 0;
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

int rd_admin_token_create(const char *conninfo, const char *host, const char *user_id, const char *expires_at,
			  const struct rd_admin_token *tok)
{
	PGconn *c = connect_or_complain(conninfo);
	const char *params[5];
	PGresult *r;
	int rc = 1;

	if (c == NULL)
		return 1;
	params[0] = host;
	params[1] = user_id;
	params[2] = tok->hash;
	params[3] = tok->hint;
	params[4] = expires_at;
	if (begin_as_host(c, host) != 0) {
		PQfinish(c);
		return 1;
	}
	r = run_params_short(c,
		       "INSERT INTO access_tokens (tenant_id, user_id, token_hash, token_hint, purpose, expires_at) "
		       "SELECT h.tenant_id, u.id, decode($3, 'hex'), $4, 'cli', $5::timestamptz "
		       "FROM tenant_hosts h JOIN users u ON u.tenant_id = h.tenant_id AND u.id = $2::bigint "
		       "WHERE h.host = lower($1) RETURNING id",
		       5, params, "creating token");
	if (r != NULL && PQntuples(r) == 1 && run(c, "COMMIT", "commit") == 0) {
		printf("{\"token_id\": %s, \"token\": \"%s\"}\n", PQgetvalue(r, 0, 0), tok->token);
		rc = 0;
	} else if (r != NULL) {
		fprintf(stderr, "rolesd: no user %s on host %s\n", user_id, host);
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}

int rd_admin_token_revoke(const char *conninfo, const char *host, const char *token_id)
{
	PGconn *c = connect_or_complain(conninfo);
	const char *params[2];
	PGresult *r;
	int rc = 1;

	if (c == NULL)
		return 1;
	params[0] = host;
	params[1] = token_id;
	if (begin_as_host(c, host) != 0) {
		PQfinish(c);
		return 1;
	}
	r = run_params_short(c,
		       "UPDATE access_tokens t SET revoked_at = now() FROM tenant_hosts h "
		       "WHERE h.host = lower($1) AND t.tenant_id = h.tenant_id AND t.id = $2::bigint "
		       "AND t.revoked_at IS NULL RETURNING t.id",
		       2, params, "revoking token");
	if (r != NULL && PQntuples(r) == 1 && run(c, "COMMIT", "commit") == 0) {
		printf("{\"token_id\": %s, \"revoked\": true}\n", PQgetvalue(r, 0, 0));
		rc = 0;
	} else if (r != NULL) {
		fprintf(stderr, "rolesd: no active token %s on host %s\n", token_id, host);
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}
