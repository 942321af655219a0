/*
 * The route table: every endpoint of rolesd, its API surface (error shape), handler, and 1 on the writes
 * that preview with dry_run=true (README "Previewing a change"); rows without it are 0. The permission an
 * endpoint requires is fixed in its api.* function (migrations/functions/90_api.sql).
 */
#include <stddef.h>

#include "handlers/accounts.h"
#include "handlers/admins.h"
#include "handlers/api2_collections.h"
#include "handlers/api2_groups.h"
#include "handlers/api2_memberships.h"
#include "handlers/api2_roles.h"
#include "handlers/api2_users.h"
#include "handlers/audit.h"
#include "handlers/canvas_roles.h"
#include "handlers/feature_flags.h"
#include "handlers/permissions.h"
#include "handlers/system.h"
#include "handlers/tokens.h"
#include "handlers/users.h"
#include "router.h"

const struct rd_route rd_routes[] = {
	{"GET", "/healthz", RD_SURFACE_SYSTEM, system_healthz, 0},
	{"GET", "/readyz", RD_SURFACE_SYSTEM, system_readyz, 0},
	{"GET", "/metrics", RD_SURFACE_SYSTEM, system_metrics, 0},
	{"GET", "/api/v1/users/self", RD_SURFACE_CANVAS, users_self, 0},
	/* accounts, users, tokens, admins, permission checks (issue #5; migrations/0005). Token and user routes
	 * check their permission on the user's home account and let users act on themselves. */
	{"GET", "/api/v1/accounts/:id", RD_SURFACE_CANVAS, accounts_show, 0},
	{"PUT", "/api/v1/accounts/:id", RD_SURFACE_CANVAS, accounts_update, 0},
	{"GET", "/api/v1/accounts/:account_id/sub_accounts", RD_SURFACE_CANVAS, accounts_sub_list, 0},
	{"POST", "/api/v1/accounts/:account_id/sub_accounts", RD_SURFACE_CANVAS, accounts_sub_create, 0},
	{"DELETE", "/api/v1/accounts/:account_id/sub_accounts/:id", RD_SURFACE_CANVAS, accounts_sub_delete, 0},
	{"POST", "/api/v1/accounts/:account_id/users", RD_SURFACE_CANVAS, users_create, 0},
	{"GET", "/api/v1/accounts/:account_id/users", RD_SURFACE_CANVAS, users_list, 0},
	{"GET", "/api/v1/users/:id", RD_SURFACE_CANVAS, users_show, 0},
	{"POST", "/api/v1/users/:user_id/tokens", RD_SURFACE_CANVAS, tokens_create, 0},
	{"GET", "/api/v1/users/:user_id/tokens", RD_SURFACE_CANVAS, tokens_list, 0},
	{"DELETE", "/api/v1/users/:user_id/tokens/:id", RD_SURFACE_CANVAS, tokens_delete, 0},
	{"GET", "/api/v1/accounts/:account_id/admins/self", RD_SURFACE_CANVAS, admins_self, 0},
	{"GET", "/api/v1/accounts/:account_id/admins", RD_SURFACE_CANVAS, admins_list, 0},
	{"POST", "/api/v1/accounts/:account_id/admins", RD_SURFACE_CANVAS, admins_create, 1},
	{"DELETE", "/api/v1/accounts/:account_id/admins/:user_id", RD_SURFACE_CANVAS, admins_delete, 1},
	{"GET", "/api/v1/accounts/:account_id/permissions", RD_SURFACE_CANVAS, permissions_check, 0},
	{"GET", "/api/v1/accounts/:account_id/permissions/:permission", RD_SURFACE_CANVAS, permissions_check_one, 0},
	{"GET", "/api/v1/accounts/:account_id/permissions/:permission/explain", RD_SURFACE_CANVAS,
	 permissions_explain, 0},
	/* the audit trail of the account and its sub-accounts (issue 16; 95_audit.sql) */
	{"GET", "/api/v1/accounts/:account_id/audit", RD_SURFACE_CANVAS, audit_list, 0},
	/* Feature Flags API (issue 16): the permission conditions that are Canvas feature flags, per tenant on
	 * the root account (migrations/functions/25_conditions.sql). */
	{"GET", "/api/v1/accounts/:account_id/features", RD_SURFACE_CANVAS, features_list, 0},
	{"GET", "/api/v1/accounts/:account_id/features/enabled", RD_SURFACE_CANVAS, features_enabled, 0},
	{"GET", "/api/v1/accounts/:account_id/features/flags/:feature", RD_SURFACE_CANVAS, feature_flag_show, 0},
	{"PUT", "/api/v1/accounts/:account_id/features/flags/:feature", RD_SURFACE_CANVAS, feature_flag_update, 0},
	{"DELETE", "/api/v1/accounts/:account_id/features/flags/:feature", RD_SURFACE_CANVAS, feature_flag_delete, 0},
	/* api2 Roles (issue #4; migrations/0003): Administrator users only, checked by each SQL function.
	 * /count precedes /:id so the literal segment wins. */
	{"GET", "/api2/roles", RD_SURFACE_API2, api2_roles_list, 0},
	{"POST", "/api2/roles", RD_SURFACE_API2, api2_roles_create, 1},
	{"GET", "/api2/roles/count", RD_SURFACE_API2, api2_roles_count, 0},
	{"GET", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_get, 0},
	{"POST", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_update, 1},
	{"DELETE", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_delete, 1},
	{"POST", "/api2/roles/:id/add-permissions", RD_SURFACE_API2, api2_roles_add_permissions, 1},
	{"POST", "/api2/roles/:id/remove-permissions", RD_SURFACE_API2, api2_roles_remove_permissions,
	 1},
	/* api2 Collections, Groups, Users, Memberships (issue 15; migrations/0015): each SQL function decides
	 * visibility and the collection permissions (api2-collections.md). Literal segments precede :id. */
	{"GET", "/api2/collections", RD_SURFACE_API2, api2_collections_list, 0},
	{"POST", "/api2/collections", RD_SURFACE_API2, api2_collections_create, 0},
	{"GET", "/api2/collections/tree", RD_SURFACE_API2, api2_collections_tree, 0},
	{"GET", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_get, 0},
	{"PUT", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_replace, 0},
	{"PATCH", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_update, 0},
	{"POST", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_update, 0},
	{"DELETE", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_delete, 0},
	{"GET", "/api2/collections/:id/permissions", RD_SURFACE_API2, api2_collections_permissions, 0},
	{"GET", "/api2/collections/:id/permissions/:permission/explain", RD_SURFACE_API2, api2_collections_explain, 0},
	{"GET", "/api2/groups", RD_SURFACE_API2, api2_groups_list, 0},
	{"POST", "/api2/groups", RD_SURFACE_API2, api2_groups_create, 0},
	{"GET", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_get, 0},
	{"PATCH", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_update, 0},
	{"POST", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_update, 0},
	{"DELETE", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_delete, 0},
	{"GET", "/api2/groups/:id/users", RD_SURFACE_API2, api2_group_users_list, 0},
	{"POST", "/api2/groups/:id/users", RD_SURFACE_API2, api2_group_users_add, 0},
	{"GET", "/api2/groups/:id/users/:user_id", RD_SURFACE_API2, api2_group_users_get, 0},
	{"DELETE", "/api2/groups/:id/users/:user_id", RD_SURFACE_API2, api2_group_users_remove, 0},
	{"GET", "/api2/users", RD_SURFACE_API2, api2_users_list, 0},
	{"GET", "/api2/users/:id", RD_SURFACE_API2, api2_users_get, 0},
	{"GET", "/api2/memberships", RD_SURFACE_API2, api2_memberships_list, 0},
	{"POST", "/api2/memberships", RD_SURFACE_API2, api2_memberships_create, 0},
	{"GET", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_get, 0},
	{"PUT", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_update, 0},
	{"PATCH", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_update, 0},
	{"POST", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_update, 0},
	{"DELETE", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_delete, 0},
	/* Canvas Roles API (canvas-roles.md §2) */
	{"GET", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, canvas_roles_list, 0},
	{"POST", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, canvas_roles_create, 0},
	{"GET", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_show, 0},
	{"PUT", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_update,
	 1},
	{"DELETE", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_deactivate, 0},
	{"POST", "/api/v1/accounts/:account_id/roles/:id/activate", RD_SURFACE_CANVAS, canvas_roles_activate, 0},
	{NULL, NULL, RD_SURFACE_SYSTEM, NULL, 0},
};
