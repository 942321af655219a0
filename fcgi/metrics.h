/*
 * Prometheus metrics for GET /metrics, aggregated over all workers: the counters live in the shared page
 * the supervisor maps before forking (fcgi/shm.h) and are updated with atomic adds, so any worker renders
 * the whole server's figures and a replaced worker loses nothing.
 */
#ifndef RD_METRICS_H
#define RD_METRICS_H

#include <stddef.h>

#include "buf.h"

#define RD_METRICS_ROUTES 64  /* rows of fcgi/routes.c, plus one for "no route" (the last) */
#define RD_METRICS_STATUSES 16
#define RD_METRICS_BUCKETS 12 /* latency buckets, the last is +Inf */
#define RD_METRICS_WORKERS 256

struct rd_metrics_worker {
	int pid;
	int busy;          /* 1 while serving a request */
	int db_connected;  /* 1 while its database connection is up */
};

struct rd_metrics {
	unsigned long long requests[RD_METRICS_ROUTES][RD_METRICS_STATUSES];
	unsigned long long latency[RD_METRICS_BUCKETS]; /* cumulative is computed when rendering */
	unsigned long long db_time[RD_METRICS_BUCKETS];
	unsigned long long latency_sum_us, db_time_sum_us;
	unsigned long long db_connects;     /* successful (re)connections of workers */
	unsigned long long worker_restarts; /* workers replaced after exiting */
	unsigned long long shed;            /* requests refused with 503 because the server was over capacity */
	struct rd_metrics_worker workers[RD_METRICS_WORKERS];
};

/* One finished request: route index into rd_routes (-1: no route), HTTP status, times in ms. */
void rd_metrics_observe(int route, int status, double total_ms, double db_ms);
/* Adds n to a counter of the shared page (no-op outside `rolesd serve`). */
void rd_metrics_add(unsigned long long *counter, unsigned long long n);
/* The worker slot's state (slot < 0 or no shared page: ignored). */
void rd_metrics_worker_state(int slot, int pid, int busy, int db_connected);
/* Clears the slot if it still describes pid (a replacement may already have taken it over). */
void rd_metrics_worker_gone(int slot, int pid);
/* Appends the Prometheus text exposition of everything to out. */
void rd_metrics_render(struct rd_buf *out);

#endif
