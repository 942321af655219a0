/* A worker process's request loop (prefork child of the supervisor). */
#ifndef RD_WORKER_H
#define RD_WORKER_H

#include "config.h"

/* Serves requests on listen_fd until SIGTERM; returns the process exit status. slot: the worker's index
 * in the supervisor's table, where it reports its state for /metrics. */
int rd_worker_run(int listen_fd, const struct rd_config *cfg, int slot);

#endif
