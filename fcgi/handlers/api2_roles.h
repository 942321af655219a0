/*
 * api2 Roles API (api2-roles.md): Administrator users only; every write returns the resulting role.
 */
#ifndef RD_HANDLERS_API2_ROLES_H
#define RD_HANDLERS_API2_ROLES_H

#include "../errors.h"

struct rd_req;

/* GET /api2/roles (display_name, deletable, lti, permissions; per_page, _p) */
enum rd_err api2_roles_list(struct rd_req *req);
/* GET /api2/roles/count (the list's filters) */
enum rd_err api2_roles_count(struct rd_req *req);
/* GET /api2/roles/:id */
enum rd_err api2_roles_get(struct rd_req *req);
/* POST /api2/roles (display_name, permissions): 200 + Location */
enum rd_err api2_roles_create(struct rd_req *req);
/* POST /api2/roles/:id (display_name and/or permissions) */
enum rd_err api2_roles_update(struct rd_req *req);
/* POST /api2/roles/:id/add-permissions (permissions) */
enum rd_err api2_roles_add_permissions(struct rd_req *req);
/* POST /api2/roles/:id/remove-permissions (permissions) */
enum rd_err api2_roles_remove_permissions(struct rd_req *req);
/* DELETE /api2/roles/:id: 204, also when there is no such role */
enum rd_err api2_roles_delete(struct rd_req *req);

#endif
