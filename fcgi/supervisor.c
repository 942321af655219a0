#define _GNU_SOURCE
#include "supervisor.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "worker.h"

#define MAX_BACKOFF_MS 5000

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void on_child(int sig)
{
	(void)sig; /* only to interrupt sleep/pause */
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "unix:/path" -> "/path" (libfcgi's form for a local socket); "host:port" and ":port" stay. */
static int open_listen(const struct rd_config *cfg)
{
	const char *addr = cfg->listen;
	int fd;

	if (strncmp(addr, "unix:", 5) == 0) {
		addr += 5;
		unlink(addr); /* a stale socket from a previous run */
	}
	if (FCGX_Init() != 0)
		return -1;
	fd = FCGX_OpenSocket(addr, cfg->backlog);
	if (fd < 0)
		return -1;
	if (addr[0] == '/' && chmod(addr, (mode_t)cfg->socket_mode) != 0)
		fprintf(stderr, "rolesd: chmod %s: %s\n", addr, strerror(errno));
	return fd;
}

struct slot {
	pid_t pid;
	long long started_ms;
	int backoff_ms;
	long long respawn_at_ms;
};

static pid_t spawn(int fd, const struct rd_config *cfg)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		_exit(rd_worker_run(fd, cfg));
	}
	return pid;
}

int rd_supervisor_run(const struct rd_config *cfg)
{
	struct sigaction sa;
	struct slot *slots;
	int fd, i, alive;

	fd = open_listen(cfg);
	if (fd < 0) {
		fprintf(stderr, "rolesd: cannot listen on %s\n", cfg->listen);
		return 1;
	}
	slots = calloc((size_t)cfg->workers, sizeof *slots);
	if (slots == NULL)
		return 1;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fprintf(stderr, "rolesd: listening on %s with %d workers\n", cfg->listen, cfg->workers);
	for (i = 0; i < cfg->workers; i++) {
		slots[i].pid = spawn(fd, cfg);
		slots[i].started_ms = mono_ms();
	}

	while (!stopping) {
		int status;
		pid_t pid;
		long long now = mono_ms();

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < cfg->workers; i++) {
				if (slots[i].pid != pid)
					continue;
				slots[i].pid = 0;
				if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && stopping)
					break;
				/* crash loop protection: double the wait while workers die young */
				if (now - slots[i].started_ms < 10000)
					slots[i].backoff_ms = slots[i].backoff_ms ? slots[i].backoff_ms * 2 : 100;
				else
					slots[i].backoff_ms = 0;
				if (slots[i].backoff_ms > MAX_BACKOFF_MS)
					slots[i].backoff_ms = MAX_BACKOFF_MS;
				slots[i].respawn_at_ms = now + slots[i].backoff_ms;
				fprintf(stderr, "rolesd: worker %d exited (%s %d); respawning in %d ms\n", (int)pid,
					WIFSIGNALED(status) ? "signal" : "status",
					WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), slots[i].backoff_ms);
			}
		}
		for (i = 0; i < cfg->workers && !stopping; i++) {
			if (slots[i].pid == 0 && now >= slots[i].respawn_at_ms) {
				slots[i].pid = spawn(fd, cfg);
				slots[i].started_ms = now;
			}
		}
		usleep(100000);
	}

	fprintf(stderr, "rolesd: stopping\n");
	for (i = 0; i < cfg->workers; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGTERM);
	do {
		alive = 0;
		for (i = 0; i < cfg->workers; i++) {
			if (slots[i].pid > 0) {
				if (waitpid(slots[i].pid, NULL, 0) == slots[i].pid || errno == ECHILD)
					slots[i].pid = 0;
				else
					alive = 1;
			}
		}
	} while (alive);
	if (strncmp(cfg->listen, "unix:", 5) == 0)
		unlink(cfg->listen + 5);
	free(slots);
	return 0;
}
