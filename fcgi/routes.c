/*
 * The route table: every endpoint of rolesd, its API surface (error shape), handler, and the Canvas
 * permission it requires on its URL account (NULL: none, or checked differently — see the handler).
 */
#include <stddef.h>

#include "handlers/api2_roles.h"
#include "handlers/canvas_roles.h"
#include "handlers/system.h"
#include "handlers/users.h"
#include "router.h"

const struct rd_route rd_routes[] = {
	{"GET", "/healthz", RD_SURFACE_SYSTEM, system_healthz, NULL},
	{"GET", "/readyz", RD_SURFACE_SYSTEM, system_readyz, NULL},
	{"GET", "/api/v1/users/self", RD_SURFACE_CANVAS, users_self, NULL},
	/* api2 Roles (issue #4; migrations/0003): Administrator users only, checked by each SQL function.
	 * /count precedes /:id so the literal segment wins. */
	{"GET", "/api2/roles", RD_SURFACE_API2, api2_roles_list, NULL},
	{"POST", "/api2/roles", RD_SURFACE_API2, api2_roles_create, NULL},
	{"GET", "/api2/roles/count", RD_SURFACE_API2, api2_roles_count, NULL},
	{"GET", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_get, NULL},
	{"POST", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_update, NULL},
	{"DELETE", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_delete, NULL},
	{"POST", "/api2/roles/:id/add-permissions", RD_SURFACE_API2, api2_roles_add_permissions, NULL},
	{"POST", "/api2/roles/:id/remove-permissions", RD_SURFACE_API2, api2_roles_remove_permissions, NULL},
	/* Canvas Roles API (canvas-roles.md §2) */
	{"GET", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, canvas_roles_list, "manage_role_overrides"},
	{"POST", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, canvas_roles_create, "manage_role_overrides"},
	{"GET", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_show, "manage_role_overrides"},
	{"PUT", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_update, "manage_role_overrides"},
	{"DELETE", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_deactivate,
	 "manage_role_overrides"},
	{"POST", "/api/v1/accounts/:account_id/roles/:id/activate", RD_SURFACE_CANVAS, canvas_roles_activate,
	 "manage_role_overrides"},
	{NULL, NULL, RD_SURFACE_SYSTEM, NULL, NULL},
};
