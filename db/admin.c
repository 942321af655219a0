#define _GNU_SOURCE
#include "admin.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arbitrary but fixed: the advisory lock every `rolesd migrate` takes. */
#define MIGRATE_LOCK_KEY 7406001

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

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int apply_one(PGconn *c, const char *dir, const char *file)
{
	char path[4096], sum[65], version[5];
	const char *params[3];
	size_t len = 0;
	char *sql;
	PGresult *r;
	int rc = -1;

	snprintf(path, sizeof path, "%s/%s", dir, file);
	sql = slurp(path, &len);
	if (sql == NULL) {
		fprintf(stderr, "rolesd: cannot read %s\n", path);
		return -1;
	}
	sha256_hex(sql, len, sum);
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
				"migrations are append-only: add a new file instead\n",
				file, PQgetvalue(r, 0, 1), sum);
			PQclear(r);
			goto out;
		}
		PQclear(r);
		rc = 0;
		goto out;
	}
	PQclear(r);
	if (run(c, "BEGIN", "begin") != 0)
		goto out;
	if (run(c, sql, file) != 0) {
		(void)run(c, "ROLLBACK", "rollback");
		goto out;
	}
	r = run_params(c, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", 3, params,
		       "recording migration");
	if (r == NULL) {
		(void)run(c, "ROLLBACK", "rollback");
		goto out;
	}
	PQclear(r);
	if (run(c, "COMMIT", "commit") != 0)
		goto out;
	fprintf(stderr, "rolesd: applied %s\n", file);
	rc = 0;
out:
	free(sql);
	return rc;
}

int rd_admin_migrate(const char *conninfo, const char *dir)
{
	PGconn *c = connect_or_complain(conninfo);
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = NULL;
	int rc = 1;

	if (c == NULL)
		return 1;
	if (run(c, "SET client_min_messages = warning", "settings") != 0)
		goto out;
	if (run(c, "SELECT pg_advisory_lock(" "7406001" ")", "advisory lock") != 0)
		goto out;
	if (run(c,
		"CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, name text NOT NULL, "
		"checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
		"creating schema_migrations") != 0)
		goto unlock;
	if (run(c,
		"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rolesd_app') THEN "
		"RAISE EXCEPTION 'role rolesd_app does not exist: create it first (see README, Database roles)'; "
		"END IF; END $$",
		"checking roles") != 0)
		goto unlock;

	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "rolesd: cannot open migrations directory %s\n", dir);
		goto unlock;
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_migration(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = realloc(names, cap * sizeof *names);
			if (names == NULL)
				abort();
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL)
			abort();
		n++;
	}
	qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n; i++)
		if (apply_one(c, dir, names[i]) != 0)
			goto unlock;
	rc = 0;
unlock:
	(void)run(c, "SELECT pg_advisory_unlock(" "7406001" ")", "advisory unlock");
out:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
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
	r = run_params(c,
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
	r = run_params(c,
		       "INSERT INTO access_tokens (tenant_id, user_id, token_hash, token_hint, purpose, expires_at) "
		       "SELECT h.tenant_id, u.id, decode($3, 'hex'), $4, 'cli', $5::timestamptz "
		       "FROM tenant_hosts h JOIN users u ON u.tenant_id = h.tenant_id AND u.id = $2::bigint "
		       "WHERE h.host = lower($1) RETURNING id",
		       5, params, "creating token");
	if (r != NULL && PQntuples(r) == 1) {
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
	r = run_params(c,
		       "UPDATE access_tokens t SET revoked_at = now() FROM tenant_hosts h "
		       "WHERE h.host = lower($1) AND t.tenant_id = h.tenant_id AND t.id = $2::bigint "
		       "AND t.revoked_at IS NULL RETURNING t.id",
		       2, params, "revoking token");
	if (r != NULL && PQntuples(r) == 1) {
		printf("{\"token_id\": %s, \"revoked\": true}\n", PQgetvalue(r, 0, 0));
		rc = 0;
	} else if (r != NULL) {
		fprintf(stderr, "rolesd: no active token %s on host %s\n", token_id, host);
	}
	PQclear(r);
	PQfinish(c);
	return rc;
}
