#define _GNU_SOURCE
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "shm.h"
#include "worker.h"

#define MAX_BACKOFF_MS 5000
#define TICK_US 100000

static volatile sig_atomic_t stopping;
static struct stat sock_file; /* the unix socket's file as bound: the path is ours only while it is this */
static volatile sig_atomic_t recycling;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	recycling = 1;
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

/* The path of a unix socket address ("unix:/path" or "/path"), or NULL for TCP. */
static const char *unix_path(const char *addr)
{
	if (strncmp(addr, "unix:", 5) == 0)
		return addr + 5;
	return addr[0] == '/' ? addr : NULL;
}

/*
 * The listening socket, made here rather than by libfcgi's FCGX_OpenSocket, which prints perror text and
 * exits with errno on any failure: a failure here is one JSON line (the caller's) and exit status 1.
 * "unix:/path" or "/path" (a stale socket from a previous run is replaced), "host:port" or ":port" (all
 * IPv4 addresses), as libfcgi reads them. Returns the socket, or -1 with errno (EAI: a host that does not
 * resolve, *why set).
 */
static int listen_on(const char *addr, int backlog, const char **why)
{
	int fd = -1, one = 1, saved;
	*why = NULL;

	if (unix_path(addr) != NULL) {
		struct sockaddr_un un;
		addr = unix_path(addr);
		memset(&un, 0, sizeof un);
		un.sun_family = AF_UNIX;
		if (strlen(addr) >= sizeof un.sun_path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(un.sun_path, addr);
		unlink(addr);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&un, sizeof un) != 0 || listen(fd, backlog) != 0)
			goto fail;
		return fd;
	} else {
		const char *colon = strrchr(addr, ':');
		struct addrinfo hints, *ai = NULL;
		char host[256];
		int rc;

		if (colon == NULL || colon[1] == '\0' || (size_t)(colon - addr) >= sizeof host) {
			errno = EINVAL;
			return -1;
		}
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		memset(&hints, 0, sizeof hints);
		hints.ai_family = AF_INET;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE;
		rc = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
		if (rc != 0) {
			*why = gai_strerror(rc);
			return -1;
		}
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0)
			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, backlog) != 0) {
			freeaddrinfo(ai);
			goto fail;
		}
		freeaddrinfo(ai);
		return fd;
	}
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	errno = saved;
	return -1;
}

/*
 * The socket is non-blocking: workers wait in poll() and then accept, so a worker that lost the race for
 * a connection gets EAGAIN instead of sleeping in accept(), and a stop request is seen within a poll
 * timeout.
 */
static int open_listen(const struct rd_config *cfg, const char **why)
{
	const char *addr = cfg->listen;
	int fd, fl;

	if (FCGX_Init() != 0) {
		*why = "libfcgi initialisation failed";
		return -1;
	}
	fd = listen_on(addr, cfg->backlog, why);
	if (fd < 0)
		return -1;
	if (unix_path(addr) != NULL) {
		if (chmod(unix_path(addr), (mode_t)cfg->socket_mode) != 0)
			rd_log("warning", "chmod %s: %s", unix_path(addr), strerror(errno));
		if (stat(unix_path(addr), &sock_file) != 0)
			memset(&sock_file, 0, sizeof sock_file);
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct slot {
	pid_t pid;
	long long started_ms;
	int backoff_ms;
	long long respawn_at_ms;
};

static pid_t spawn(int fd, const struct rd_config *cfg, int slot)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		_exit(rd_worker_run(fd, cfg, slot));
	}
	if (pid < 0)
		rd_log("error", "fork: %s", strerror(errno));
	return pid > 0 ? pid : 0;
}

/* Reaps exited children; a slot's worker that died is scheduled for respawn (with back-off), a retired one
 * (replaced by SIGHUP) is just forgotten. */
static void reap(struct slot *slots, int n, long long now)
{
	int status, i;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < n; i++) {
			if (slots[i].pid != pid)
				continue;
			slots[i].pid = 0;
			rd_metrics_worker_gone(i, (int)pid); /* a killed worker could not say so itself */
			if (stopping)
				break;
			/* crash loop protection: double the wait while workers die young */
			if (now - slots[i].started_ms < 10000)
				slots[i].backoff_ms = slots[i].backoff_ms ? slots[i].backoff_ms * 2 : 100;
			else
				slots[i].backoff_ms = 0;
			if (slots[i].backoff_ms > MAX_BACKOFF_MS)
				slots[i].backoff_ms = MAX_BACKOFF_MS;
			slots[i].respawn_at_ms = now + slots[i].backoff_ms;
			rd_log("warning", "worker %d exited (%s %d); respawning in %d ms", (int)pid,
			       WIFSIGNALED(status) ? "signal" : "status",
			       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), slots[i].backoff_ms);
		}
	}
}

/*
 * SIGHUP: a fresh set of workers takes over the listening socket, which never closes; each old worker
 * finishes the request it has and exits (SIGUSR1 without the drain flag means "stop after this one").
 */
static void recycle(struct slot *slots, int n, int fd, const struct rd_config *cfg, long long now)
{
	int i;

	rd_log("info", "recycling %d workers", n);
	for (i = 0; i < n; i++) {
		pid_t old = slots[i].pid;
		slots[i].pid = spawn(fd, cfg, i);
		slots[i].started_ms = now;
		slots[i].backoff_ms = 0;
		if (old > 0)
			kill(old, SIGUSR1);
	}
}

/*
 * Shutdown without losing a request. Readiness has failed since SIGTERM (and for the drain delay the
 * workers kept serving, so a load balancer that polls /readyz stops choosing this host). Then: a unix
 * socket's path is removed, so new connections fail at connect() (nginx passes such a request, even a
 * POST, to the next server: nothing was sent); the workers accept whatever is already queued until the
 * queue stays empty, finish, and exit; the supervisor closes its copy of the socket and waits for them,
 * at most drain_timeout_ms, then kills what is left.
 */
static void drain(struct slot *slots, int n, int fd, const struct rd_config *cfg)
{
	long long deadline = mono_ms() + cfg->drain_timeout_ms;
	int i, alive;

	/* a new server started on the same path has replaced the file: the path is its now, leave it */
	if (unix_path(cfg->listen) != NULL) {
		struct stat now;
		if (stat(unix_path(cfg->listen), &now) == 0 && now.st_dev == sock_file.st_dev &&
		    now.st_ino == sock_file.st_ino)
			unlink(unix_path(cfg->listen));
	}
	rd_shm->closing = 1; /* before the signal: a worker forked just now sees it without one */
	for (i = 0; i < n; i++)
		if (slots[i].pid > 0)
			kill(slots[i].pid, SIGUSR1); /* wakes it from its poll: closing */
	close(fd);
	for (;;) {
		pid_t pid;
		while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
			for (i = 0; i < n; i++)
				if (slots[i].pid == pid)
					slots[i].pid = 0;
		if (pid < 0 && errno == ECHILD)
			break;
		alive = 0;
		for (i = 0; i < n; i++)
			alive += slots[i].pid > 0;
		if (mono_ms() >= deadline) {
			rd_log("error", "drain timeout: killing %d workers", alive);
			for (i = 0; i < n; i++)
				if (slots[i].pid > 0)
					kill(slots[i].pid, SIGKILL);
			while (waitpid(-1, NULL, 0) > 0)
				;
			break;
		}
		usleep(20000);
	}
}

int rd_supervisor_run(const struct rd_config *cfg)
{
	struct sigaction sa;
	struct slot *slots;
	long long drain_at = 0;
	const char *why = NULL;
	int fd, i;

	if (rd_shm_create() != 0) {
		rd_log("error", "shared memory: %s", strerror(errno));
		return 1;
	}
	fd = open_listen(cfg, &why);
	if (fd < 0) {
		rd_log("error", "cannot listen on %s: %s", cfg->listen, why ? why : strerror(errno));
		rd_shm_free();
		return 1;
	}
	slots = calloc((size_t)cfg->workers, sizeof *slots);
	if (slots == NULL)
		return 1;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN); /* the workers' "retire": a worker ignores it until its handler is set */

	rd_log("info", "listening on %s with %d workers", cfg->listen, cfg->workers);
	for (i = 0; i < cfg->workers; i++) {
		slots[i].pid = spawn(fd, cfg, i);
		slots[i].started_ms = mono_ms();
	}

	for (;;) {
		long long now = mono_ms();

		if (stopping && !rd_shm->draining) {
			rd_shm->draining = 1;
			drain_at = now + cfg->drain_delay_ms;
			rd_log("info", "draining: readiness fails now, new connections refused in %d ms",
			       cfg->drain_delay_ms);
		}
		if (stopping && now >= drain_at)
			break;
		reap(slots, cfg->workers, now);
		if (recycling && !stopping) {
			recycling = 0;
			recycle(slots, cfg->workers, fd, cfg, now);
		}
		for (i = 0; i < cfg->workers && !stopping; i++) {
			if (slots[i].pid == 0 && now >= slots[i].respawn_at_ms) {
				rd_metrics_add(&rd_shm->metrics.worker_restarts, 1);
				slots[i].pid = spawn(fd, cfg, i);
				slots[i].started_ms = now;
			}
		}
		usleep(stopping ? 10000 : TICK_US);
	}

	drain(slots, cfg->workers, fd, cfg);
	free(slots);
	rd_shm_free();
	rd_log("info", "stopped");
	return 0;
}
