#define _GNU_SOURCE
#include "config.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE_VALUES 4
#define FILE_VALUE_MAX 4096

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v != NULL && v[0] != '\0' ? v : dflt;
}

/*
 * NAME, or the contents of the file NAME_FILE names (Docker/Kubernetes secrets), without the trailing
 * newline. NAME_FILE wins; an unreadable file is fatal, since running with the wrong credentials is worse.
 * The value lives as long as the process (static storage).
 */
static const char *secret_or(const char *name, const char *dflt)
{
	static char values[MAX_FILE_VALUES][FILE_VALUE_MAX];
	static int used;
	char key[128];
	const char *path;
	FILE *f;
	size_t n;

	snprintf(key, sizeof key, "%s_FILE", name);
	path = getenv(key);
	if (path == NULL || path[0] == '\0' || used == MAX_FILE_VALUES)
		return env_or(name, dflt);
	f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"cannot read %s\"}\n", key);
		exit(1);
	}
	n = fread(values[used], 1, FILE_VALUE_MAX - 1, f);
	fclose(f);
	while (n > 0 && (values[used][n - 1] == '\n' || values[used][n - 1] == '\r'))
		n--;
	values[used][n] = '\0';
	return values[used++];
}

static int read_longs(const char *path, long long *a, long long *b)
{
	FILE *f = fopen(path, "r");
	char word[32];
	int n = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%31s", word) == 1) {
		n = 1;
		*a = strcmp(word, "max") == 0 ? -1 : atoll(word);
		if (b != NULL && fscanf(f, "%lld", b) == 1)
			n = 2;
	}
	fclose(f);
	return n;
}

int rd_config_cpu_quota(const char *root)
{
	char path[512];
	long long quota = 0, period = 0;

	snprintf(path, sizeof path, "%s/cpu.max", root); /* cgroup v2: "max 100000" or "150000 100000" */
	if (read_longs(path, &quota, &period) != 2) {
		snprintf(path, sizeof path, "%s/cpu/cpu.cfs_quota_us", root); /* cgroup v1 */
		if (read_longs(path, &quota, NULL) != 1)
			return 0;
		snprintf(path, sizeof path, "%s/cpu/cpu.cfs_period_us", root);
		if (read_longs(path, &period, NULL) != 1)
			return 0;
	}
	if (quota <= 0 || period <= 0)
		return 0;
	return (int)((quota + period - 1) / period);
}

/* The CPUs this process may run on (its affinity: a container's cpuset, taskset, systemd CPUAffinity), else
 * the online ones. */
static long usable_cpus(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	return sysconf(_SC_NPROCESSORS_ONLN);
}

void rd_config_load(struct rd_config *cfg)
{
	const char *v;
	long n;

	cfg->listen = env_or("ROLESD_LISTEN", "127.0.0.1:9000");
	n = usable_cpus();
	cfg->workers = (int)strtol(env_or("ROLESD_WORKERS", "0"), NULL, 10);
	if (cfg->workers <= 0) {
		/* a container limited to 1.5 CPUs of a 64-core host gets 2 workers, not 64 */
		int quota = rd_config_cpu_quota("/sys/fs/cgroup");
		cfg->workers = n > 0 ? (int)n : 2;
		if (quota > 0 && quota < cfg->workers)
			cfg->workers = quota;
	}
	if (cfg->workers > 256)
		cfg->workers = 256;
	/* deep enough that a connection burst waits (and is shed by age if need be) instead of failing at
	 * connect(): a refused connect is a fast 502 that a client retries at once, burning the CPU the
	 * workers need. The kernel caps it at net.core.somaxconn. */
	cfg->backlog = (int)strtol(env_or("ROLESD_BACKLOG", "4096"), NULL, 10);
	if (cfg->backlog <= 0)
		cfg->backlog = 4096;
	cfg->socket_mode = (int)strtol(env_or("ROLESD_SOCKET_MODE", "0660"), NULL, 8);
	cfg->database_url = secret_or("DATABASE_URL", "");
	cfg->admin_database_url = secret_or("ROLESD_ADMIN_DATABASE_URL", cfg->database_url);
	cfg->migrations_dir = env_or("ROLESD_MIGRATIONS_DIR", "migrations");
	cfg->max_body = (size_t)strtoull(env_or("ROLESD_MAX_BODY", "1048576"), NULL, 10);
	if (cfg->max_body == 0)
		cfg->max_body = 1048576;
	cfg->log_requests = (int)strtol(env_or("ROLESD_LOG_REQUESTS", "1"), NULL, 10);
	cfg->queue_timeout_ms = (int)strtol(env_or("ROLESD_QUEUE_TIMEOUT_MS", "1000"), NULL, 10);
	if (cfg->queue_timeout_ms < 0)
		cfg->queue_timeout_ms = 0;
	cfg->idempotency_ttl = (int)strtol(env_or("ROLESD_IDEMPOTENCY_TTL", "86400"), NULL, 10);
	if (cfg->idempotency_ttl <= 0)
		cfg->idempotency_ttl = 86400;
	cfg->drain_delay_ms = (int)strtol(env_or("ROLESD_DRAIN_DELAY_MS", "0"), NULL, 10);
	if (cfg->drain_delay_ms < 0)
		cfg->drain_delay_ms = 0;
	cfg->drain_timeout_ms = (int)strtol(env_or("ROLESD_DRAIN_TIMEOUT_MS", "30000"), NULL, 10);
	if (cfg->drain_timeout_ms <= 0)
		cfg->drain_timeout_ms = 30000;
	v = env_or("ROLESD_DB_PREPARED", "auto");
	if (strcmp(v, "0") == 0 || strcmp(v, "off") == 0)
		cfg->db_prepared = RD_DB_PREPARED_OFF;
	else if (strcmp(v, "1") == 0 || strcmp(v, "on") == 0)
		cfg->db_prepared = RD_DB_PREPARED_ON;
	else
		cfg->db_prepared = RD_DB_PREPARED_AUTO;
}
