/* Configuration: environment variables only (README "Configuration"). */
#ifndef RD_CONFIG_H
#define RD_CONFIG_H

#include <stddef.h>

struct rd_config {
	const char *listen;          /* ROLESD_LISTEN: unix:/path or host:port */
	int workers;                 /* ROLESD_WORKERS, default: number of cores */
	int backlog;                 /* ROLESD_BACKLOG, default 1024 */
	int socket_mode;             /* ROLESD_SOCKET_MODE (octal), default 0660 */
	const char *database_url;    /* DATABASE_URL, default "" (libpq's PG* variables) */
	const char *admin_database_url; /* ROLESD_ADMIN_DATABASE_URL, default DATABASE_URL */
	const char *migrations_dir;  /* ROLESD_MIGRATIONS_DIR, default "migrations" */
	size_t max_body;             /* ROLESD_MAX_BODY bytes, default 1 MiB */
	int log_requests;            /* ROLESD_LOG_REQUESTS, default 1 */
};

void rd_config_load(struct rd_config *cfg);

#endif
