#ifndef RD_HANDLERS_SYSTEM_H
#define RD_HANDLERS_SYSTEM_H

#include "../errors.h"

struct rd_req;

/* GET /healthz: the process is up (no database). */
enum rd_err system_healthz(struct rd_req *req);
/* GET /readyz: one database round trip; 503 while the server drains (SIGTERM). */
enum rd_err system_readyz(struct rd_req *req);

/* GET /metrics: Prometheus text, the whole server's figures (fcgi/metrics.h). Served to local scrapers
 * only: nginx routes it from a separate listener (README "Deploying", Metrics). */
enum rd_err system_metrics(struct rd_req *req);

#endif
