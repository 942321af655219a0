/*
 * api2 Users (api2-collections.md §1, §3): the tenant's users, read-only, for Administrator users.
 */
#ifndef RD_HANDLERS_API2_USERS_H
#define RD_HANDLERS_API2_USERS_H

#include "../errors.h"

struct rd_req;

/* GET /api2/users (is_admin, unique_id with % wildcards, group_id; per_page, _p) */
enum rd_err api2_users_list(struct rd_req *req);
/* GET /api2/users/:id */
enum rd_err api2_users_get(struct rd_req *req);

#endif
