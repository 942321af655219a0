/*
 * State shared by the supervisor and its workers: one anonymous MAP_SHARED mapping made by the supervisor
 * before the first fork, so every worker (and every replacement) sees the same page.
 */
#ifndef RD_SHM_H
#define RD_SHM_H

#include <signal.h>

#include "metrics.h"

struct rd_shm {
	volatile sig_atomic_t draining; /* set by the supervisor on SIGTERM: /readyz answers 503 from then on */
	volatile sig_atomic_t closing;  /* set after the drain delay, once no new connection can arrive: the
					   workers answer what is queued and exit */
	int supervisor;                    /* its pid: a worker whose parent is another has lost it */
	long long shed_logged_at;          /* second of the last "shed" log line (rate limit) */
	unsigned long long shed_reported;  /* shed count that line reported */
	struct rd_metrics metrics;
};

/* The process's mapping; NULL outside `rolesd serve` (unit tests), where nothing is draining. */
extern struct rd_shm *rd_shm;

/* Maps the shared page (supervisor, before forking). Returns 0, or -1 with errno. */
int rd_shm_create(void) __attribute__((warn_unused_result));
void rd_shm_free(void);

/* 1 while the server is shutting down: it finishes what it has, but must not be chosen for new work. */
int rd_shm_draining(void);

/* 1 once the drain delay is over and the socket is closed to new connections: workers empty the queue and
 * leave. Until then a draining server keeps serving whatever reaches it. */
int rd_shm_closing(void);

#endif
