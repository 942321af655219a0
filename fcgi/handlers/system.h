#ifndef RD_HANDLERS_SYSTEM_H
#define RD_HANDLERS_SYSTEM_H

#include "../errors.h"

struct rd_req;

/* GET /healthz: the process is up (no database). */
enum rd_err system_healthz(struct rd_req *req);
/* GET /readyz: one database round trip. */
enum rd_err system_readyz(struct rd_req *req);

#endif
