/*
 * `rolesd serve`: binds the FastCGI socket, pre-forks ROLESD_WORKERS workers, replaces a worker that
 * exits abnormally (with back-off), and on SIGTERM/SIGINT stops them: idle workers leave at once, busy
 * ones finish their request first.
 */
#ifndef RD_SUPERVISOR_H
#define RD_SUPERVISOR_H

#include "config.h"

int rd_supervisor_run(const struct rd_config *cfg);

#endif
