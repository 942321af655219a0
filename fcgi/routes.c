/*
 * The route table: every endpoint of rolesd, its API surface (error shape), handler, and the Canvas
 * permission it requires on its URL account (NULL: none, or checked differently — see the handler).
 */
#include <stddef.h>

#include "handlers/system.h"
#include "handlers/users.h"
#include "router.h"

const struct rd_route rd_routes[] = {
	{"GET", "/healthz", RD_SURFACE_SYSTEM, system_healthz, NULL},
	{"GET", "/readyz", RD_SURFACE_SYSTEM, system_readyz, NULL},
	{"GET", "/api/v1/users/self", RD_SURFACE_CANVAS, users_self, NULL},
	{NULL, NULL, RD_SURFACE_SYSTEM, NULL, NULL},
};
