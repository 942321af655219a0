#ifndef RD_HANDLERS_USERS_H
#define RD_HANDLERS_USERS_H

#include "../errors.h"

struct rd_req;

/* GET /api/v1/users/self: the caller. */
enum rd_err users_self(struct rd_req *req);

#endif
