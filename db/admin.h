/*
 * The admin CLI's database work (`rolesd migrate`, `rolesd tenant ...`, `rolesd token ...`). Runs with
 * ROLESD_ADMIN_DATABASE_URL (the owner role), outside any request, printing to stdout/stderr.
 */
#ifndef RD_DB_ADMIN_H
#define RD_DB_ADMIN_H

#define RD_ADMIN_MUSTCHECK __attribute__((warn_unused_result))

/*
 * In one transaction under one advisory lock (so replicas starting together migrate once): applies the
 * pending schema migrations dir/NNNN_name.sql in order (append-only, recorded with a SHA-256 checksum in
 * schema_migrations; an edited applied file is refused), then, if any of dir/functions/NN_name.sql changed,
 * re-applies them all and drops the functions they no longer define (schema_functions).
 */
int rd_admin_migrate(const char *conninfo, const char *dir) RD_ADMIN_MUSTCHECK;

/* Token material made by the caller (fcgi/auth.c): the token is only echoed, never stored. */
struct rd_admin_token {
	const char *token;
	const char *hash; /* hex SHA-256 */
	const char *hint;
};

/* Prints {"tenant_id":..,"root_account_id":..,"admin_user_id":..,"token":".."}. */
int rd_admin_tenant_create(const char *conninfo, const char *name, const char *const *hosts, int nhosts,
			   const char *admin_name, const struct rd_admin_token *tok) RD_ADMIN_MUSTCHECK;
int rd_admin_tenant_list(const char *conninfo) RD_ADMIN_MUSTCHECK;
/* Feature flags ({"name":"state"} JSON or NULL), account settings ({"name":"value"} or NULL) and the audit
 * retention in days (or NULL) of the tenant of host; prints the result as JSON. */
int rd_admin_tenant_set(const char *conninfo, const char *host, const char *features, const char *settings,
			const char *retention) RD_ADMIN_MUSTCHECK;
/* Prints {"token_id":..,"token":".."}; the token is shown only here. */
int rd_admin_token_create(const char *conninfo, const char *host, const char *user_id,
			  const char *expires_at, const struct rd_admin_token *tok) RD_ADMIN_MUSTCHECK;
int rd_admin_token_revoke(const char *conninfo, const char *host, const char *token_id) RD_ADMIN_MUSTCHECK;

#endif
