#define _GNU_SOURCE
#include "metrics.h"

#include <string.h>

#include "router.h"
#include "shm.h"

static const int statuses[RD_METRICS_STATUSES - 1] = {200, 201, 204, 400, 401, 403, 404, 405,
						      409, 413, 415, 422, 500, 503, 504};
static const double bounds_ms[RD_METRICS_BUCKETS - 1] = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500};

void rd_metrics_add(unsigned long long *counter, unsigned long long n)
{
	if (rd_shm != NULL)
		__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

static int status_index(int status)
{
	int i;

	for (i = 0; i < RD_METRICS_STATUSES - 1; i++)
		if (statuses[i] == status)
			return i;
	return RD_METRICS_STATUSES - 1; /* any other */
}

static int bucket(double ms)
{
	int i;

	for (i = 0; i < RD_METRICS_BUCKETS - 1; i++)
		if (ms <= bounds_ms[i])
			return i;
	return RD_METRICS_BUCKETS - 1;
}

void rd_metrics_observe(int route, int status, double total_ms, double db_ms)
{
	struct rd_metrics *m;

	if (rd_shm == NULL)
		return;
	m = &rd_shm->metrics;
	if (route < 0 || route >= RD_METRICS_ROUTES - 1)
		route = RD_METRICS_ROUTES - 1;
	rd_metrics_add(&m->requests[route][status_index(status)], 1);
	rd_metrics_add(&m->latency[bucket(total_ms)], 1);
	rd_metrics_add(&m->db_time[bucket(db_ms)], 1);
	rd_metrics_add(&m->latency_sum_us, (unsigned long long)(total_ms * 1000));
	rd_metrics_add(&m->db_time_sum_us, (unsigned long long)(db_ms * 1000));
}

void rd_metrics_worker_state(int slot, int pid, int busy, int db_connected)
{
	struct rd_metrics_worker *w;

	if (rd_shm == NULL || slot < 0 || slot >= RD_METRICS_WORKERS)
		return;
	w = &rd_shm->metrics.workers[slot];
	__atomic_store_n(&w->pid, pid, __ATOMIC_RELAXED);
	__atomic_store_n(&w->busy, busy, __ATOMIC_RELAXED);
	__atomic_store_n(&w->db_connected, db_connected, __ATOMIC_RELAXED);
}

void rd_metrics_worker_gone(int slot, int pid)
{
	struct rd_metrics_worker *w;
	int expected = pid;

	if (rd_shm == NULL || slot < 0 || slot >= RD_METRICS_WORKERS)
		return;
	w = &rd_shm->metrics.workers[slot];
	if (__atomic_compare_exchange_n(&w->pid, &expected, 0, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
		__atomic_store_n(&w->busy, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&w->db_connected, 0, __ATOMIC_RELAXED);
	}
}

static unsigned long long load(const unsigned long long *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void histogram(struct rd_buf *out, const char *name, const char *help, const unsigned long long *b,
		      const unsigned long long *sum_us)
{
	unsigned long long cum = 0;
	int i;

	rd_buf_printf(out, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
	for (i = 0; i < RD_METRICS_BUCKETS; i++) {
		cum += load(&b[i]);
		if (i < RD_METRICS_BUCKETS - 1)
			rd_buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name, bounds_ms[i] / 1000.0, cum);
		else
			rd_buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n", name, cum);
	}
	rd_buf_printf(out, "%s_sum %.6f\n%s_count %llu\n", name, (double)load(sum_us) / 1e6, name, cum);
}

static void counter(struct rd_buf *out, const char *name, const char *help, const unsigned long long *v)
{
	rd_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, load(v));
}

void rd_metrics_render(struct rd_buf *out)
{
	struct rd_metrics *m;
	int r, s, alive = 0, busy = 0, connected = 0;

	if (rd_shm == NULL)
		return;
	m = &rd_shm->metrics;
	rd_buf_puts(out, "# HELP rolesd_requests_total Requests answered, by route pattern and status.\n"
			 "# TYPE rolesd_requests_total counter\n");
	for (r = 0; r < RD_METRICS_ROUTES; r++) {
		const char *method = "", *pattern = "none";
		if (r < RD_METRICS_ROUTES - 1) {
			if (rd_routes[r].method == NULL)
				r = RD_METRICS_ROUTES - 1; /* past the table: the "no route" row */
			else {
				method = rd_routes[r].method;
				pattern = rd_routes[r].pattern;
			}
		}
		for (s = 0; s < RD_METRICS_STATUSES; s++) {
			unsigned long long n = load(&m->requests[r][s]);
			if (n == 0)
				continue;
			if (s < RD_METRICS_STATUSES - 1)
				rd_buf_printf(out, "rolesd_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
					      method, pattern, statuses[s], n);
			else
				rd_buf_printf(out, "rolesd_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %llu\n",
					      method, pattern, n);
		}
	}
	histogram(out, "rolesd_request_duration_seconds", "Time from accept to the last byte written.", m->latency,
		  &m->latency_sum_us);
	histogram(out, "rolesd_db_duration_seconds", "Time a request waited on the database.", m->db_time,
		  &m->db_time_sum_us);
	counter(out, "rolesd_db_connects_total", "Database connections made by workers (first and reconnects).",
		&m->db_connects);
	counter(out, "rolesd_worker_restarts_total", "Workers replaced after exiting.", &m->worker_restarts);
	counter(out, "rolesd_shed_total", "Requests refused with 503 because the server was over capacity.",
		&m->shed);
	for (r = 0; r < RD_METRICS_WORKERS; r++) {
		if (__atomic_load_n(&m->workers[r].pid, __ATOMIC_RELAXED) == 0)
			continue;
		alive++;
		busy += __atomic_load_n(&m->workers[r].busy, __ATOMIC_RELAXED);
		connected += __atomic_load_n(&m->workers[r].db_connected, __ATOMIC_RELAXED);
	}
	rd_buf_printf(out, "# HELP rolesd_workers Worker processes, by state.\n# TYPE rolesd_workers gauge\n"
			   "rolesd_workers{state=\"busy\"} %d\nrolesd_workers{state=\"idle\"} %d\n",
		      busy, alive - busy);
	rd_buf_printf(out, "# HELP rolesd_db_connections Workers holding a live database connection.\n"
			   "# TYPE rolesd_db_connections gauge\nrolesd_db_connections %d\n", connected);
	rd_buf_printf(out, "# HELP rolesd_draining 1 while the server drains for shutdown.\n"
			   "# TYPE rolesd_draining gauge\nrolesd_draining %d\n", rd_shm->draining ? 1 : 0);
}
