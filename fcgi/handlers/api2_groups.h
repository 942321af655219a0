/*
 * api2 Groups and their users (api2-collections.md §1, §3): any signed-in user reads groups; writes and
 * members are for Administrator users. The built-in Public and Registered Users groups cannot be renamed,
 * deleted or given members.
 */
#ifndef RD_HANDLERS_API2_GROUPS_H
#define RD_HANDLERS_API2_GROUPS_H

#include "../errors.h"

struct rd_req;

/* GET /api2/groups (user_id; per_page, _p) */
enum rd_err api2_groups_list(struct rd_req *req);
/* GET /api2/groups/:id */
enum rd_err api2_groups_get(struct rd_req *req);
/* POST /api2/groups (display_name): 200 + Location */
enum rd_err api2_groups_create(struct rd_req *req);
/* PATCH / POST /api2/groups/:id (display_name) */
enum rd_err api2_groups_update(struct rd_req *req);
/* DELETE /api2/groups/:id: 204, also for an unknown id */
enum rd_err api2_groups_delete(struct rd_req *req);
/* GET /api2/groups/:id/users (is_admin, unique_id; per_page, _p) */
enum rd_err api2_group_users_list(struct rd_req *req);
/* POST /api2/groups/:id/users (user_id): the user */
enum rd_err api2_group_users_get(struct rd_req *req);
enum rd_err api2_group_users_add(struct rd_req *req);
/* DELETE /api2/groups/:id/users/:user_id: 204, also when not a member */
enum rd_err api2_group_users_remove(struct rd_req *req);

#endif
