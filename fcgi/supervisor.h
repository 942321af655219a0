/*
 * `rolesd serve`: binds the FastCGI socket, pre-forks ROLESD_WORKERS workers, replaces a worker that
 * exits (with back-off). SIGHUP replaces every worker by a fresh one without closing the socket.
 * SIGTERM/SIGINT drains: readiness fails at once, then everything accepted or queued is answered, then
 * the processes exit (README "Deploying", rolling restarts).
 */
#ifndef RD_SUPERVISOR_H
#define RD_SUPERVISOR_H

#include "config.h"

int rd_supervisor_run(const struct rd_config *cfg);

#endif
