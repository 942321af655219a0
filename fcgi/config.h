/* Configuration: environment variables only (README "Configuration"). */
#ifndef RD_CONFIG_H
#define RD_CONFIG_H

#include <stddef.h>

#include "../db/db.h"

struct rd_config {
	const char *listen;          /* ROLESD_LISTEN: unix:/path or host:port */
	int workers;                 /* ROLESD_WORKERS, default: cores, at most the cgroup's CPU quota */
	int backlog;                 /* ROLESD_BACKLOG, default 4096 */
	int socket_mode;             /* ROLESD_SOCKET_MODE (octal), default 0660 */
	const char *database_url;    /* DATABASE_URL, default "" (libpq's PG* variables) */
	const char *admin_database_url; /* ROLESD_ADMIN_DATABASE_URL, default DATABASE_URL */
	const char *migrations_dir;  /* ROLESD_MIGRATIONS_DIR, default "migrations" */
	size_t max_body;             /* ROLESD_MAX_BODY bytes, default 1 MiB */
	int log_requests;            /* ROLESD_LOG_REQUESTS, default 1 */
	enum rd_db_prepared db_prepared; /* ROLESD_DB_PREPARED: auto (default), 1/on, 0/off */
	int queue_timeout_ms;        /* ROLESD_QUEUE_TIMEOUT_MS: shed a request that waited longer, default 1000; 0 = off */
	int idempotency_ttl;         /* ROLESD_IDEMPOTENCY_TTL: seconds an Idempotency-Key is kept, default 86400 */
	int drain_delay_ms;          /* ROLESD_DRAIN_DELAY_MS: after SIGTERM, serve on (readyz 503) this long, default 0 */
	int drain_timeout_ms;        /* ROLESD_DRAIN_TIMEOUT_MS: then wait at most this long for workers, default 30000 */
};

/* Reads the environment. DATABASE_URL and ROLESD_ADMIN_DATABASE_URL may instead come from the file named
 * by DATABASE_URL_FILE / ROLESD_ADMIN_DATABASE_URL_FILE (secrets). */
void rd_config_load(struct rd_config *cfg);

/* CPUs the cgroup under root may use (cpu.max, or cgroup v1's cfs quota/period), rounded up; 0 when
 * unlimited or unknown. The default worker count is the smaller of this and the online cores. */
int rd_config_cpu_quota(const char *root);

#endif
