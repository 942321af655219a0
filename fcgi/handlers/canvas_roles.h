#ifndef RD_HANDLERS_CANVAS_ROLES_H
#define RD_HANDLERS_CANVAS_ROLES_H

#include "../errors.h"

struct rd_req;

/* The Canvas Roles API (canvas-roles.md §2). The route's perm column names the permission checked. */
enum rd_err canvas_roles_list(struct rd_req *req);       /* GET    /api/v1/accounts/:account_id/roles */
enum rd_err canvas_roles_create(struct rd_req *req);     /* POST   /api/v1/accounts/:account_id/roles */
enum rd_err canvas_roles_show(struct rd_req *req);       /* GET    .../roles/:id */
enum rd_err canvas_roles_update(struct rd_req *req);     /* PUT    .../roles/:id */
enum rd_err canvas_roles_deactivate(struct rd_req *req); /* DELETE .../roles/:id */
enum rd_err canvas_roles_activate(struct rd_req *req);   /* POST   .../roles/:id/activate */

#endif
