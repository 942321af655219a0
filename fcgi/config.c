#define _GNU_SOURCE
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : dflt;
}

void rd_config_load(struct rd_config *cfg)
{
	long n;

	cfg->listen = env_or("ROLESD_LISTEN", "127.0.0.1:9000");
	n = sysconf(_SC_NPROCESSORS_ONLN);
	cfg->workers = (int)strtol(env_or("ROLESD_WORKERS", "0"), NULL, 10);
	if (cfg->workers <= 0)
		cfg->workers = n > 0 ? (int)n : 2;
	if (cfg->workers > 256)
		cfg->workers = 256;
	cfg->backlog = (int)strtol(env_or("ROLESD_BACKLOG", "1024"), NULL, 10);
	if (cfg->backlog <= 0)
		cfg->backlog = 1024;
	cfg->socket_mode = (int)strtol(env_or("ROLESD_SOCKET_MODE", "0660"), NULL, 8);
	cfg->database_url = env_or("DATABASE_URL", "");
	cfg->admin_database_url = env_or("ROLESD_ADMIN_DATABASE_URL", cfg->database_url);
	cfg->migrations_dir = env_or("ROLESD_MIGRATIONS_DIR", "migrations");
	cfg->max_body = (size_t)strtoull(env_or("ROLESD_MAX_BODY", "1048576"), NULL, 10);
	if (cfg->max_body == 0)
		cfg->max_body = 1048576;
	cfg->log_requests = (int)strtol(env_or("ROLESD_LOG_REQUESTS", "1"), NULL, 10);
}
