#ifndef RD_HANDLERS_USERS_H
#define RD_HANDLERS_USERS_H

#include "../errors.h"

struct rd_req;

/* GET /api/v1/users/self: the caller. */
enum rd_err users_self(struct rd_req *req);
/* POST /api/v1/accounts/:account_id/users (user[name], pseudonym[unique_id], pseudonym[sis_user_id], ...) */
enum rd_err users_create(struct rd_req *req);
/* GET /api/v1/users/:id */
enum rd_err users_show(struct rd_req *req);
/* GET /api/v1/accounts/:account_id/users (search_term, keyset-paginated) */
enum rd_err users_list(struct rd_req *req);

#endif
