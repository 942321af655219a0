/*
 * api2 Collection memberships (api2-collections.md §1, §3): a role given to a user or a group inside a
 * collection. collection-share on the collection, and no self-escalation, are checked by SQL.
 */
#ifndef RD_HANDLERS_API2_MEMBERSHIPS_H
#define RD_HANDLERS_API2_MEMBERSHIPS_H

#include "../errors.h"

struct rd_req;

/* GET /api2/memberships (user_id, group_id, collection_id, role_id; per_page, _p) */
enum rd_err api2_memberships_list(struct rd_req *req);
/* GET /api2/memberships/:id */
enum rd_err api2_memberships_get(struct rd_req *req);
/* POST /api2/memberships (collection_id, role_id, user_id | group_id): 200 + Location */
enum rd_err api2_memberships_create(struct rd_req *req);
/* PUT / PATCH / POST /api2/memberships/:id (role_id) */
enum rd_err api2_memberships_update(struct rd_req *req);
/* DELETE /api2/memberships/:id: 204, also for an unknown id */
enum rd_err api2_memberships_delete(struct rd_req *req);

#endif
