/*
 * The route table: every endpoint of rolesd, its API surface (error shape), handler, the Canvas
 * permission it requires on its URL account (NULL: none, or checked differently — see the handler), and
 * 1 on the writes that preview with dry_run=true (README "Previewing a change"); rows without it are 0.
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
	{"GET", "/healthz", RD_SURFACE_SYSTEM, system_healthz, NULL, 0},
	{"GET", "/readyz", RD_SURFACE_SYSTEM, system_readyz, NULL, 0},
	{"GET", "/metrics", RD_SURFACE_SYSTEM, system_metrics, NULL, 0},
	{"GET", "/api/v1/users/self", RD_SURFACE_CANVAS, users_self, NULL, 0},
	/* accounts, users, tokens, admins, permission checks (issue #5; migrations/0005). "read" is Canvas'
	 * :read right on an account: any active admin membership on its chain. NULL: any signed-in user. Token
	 * and user routes check the permission on the user's home account and let users act on themselves. */
	{"GET", "/api/v1/accounts/:id", RD_SURFACE_CANVAS, accounts_show, "read", 0},
	{"PUT", "/api/v1/accounts/:id", RD_SURFACE_CANVAS, accounts_update, "manage_account_settings", 0},
	{"GET", "/api/v1/accounts/:account_id/sub_accounts", RD_SURFACE_CANVAS, accounts_sub_list, "read", 0},
	{"POST", "/api/v1/accounts/:account_id/sub_accounts", RD_SURFACE_CANVAS, accounts_sub_create,
	 "manage_account_settings", 0},
	{"DELETE", "/api/v1/accounts/:account_id/sub_accounts/:id", RD_SURFACE_CANVAS, accounts_sub_delete,
	 "manage_account_settings", 0},
	{"POST", "/api/v1/accounts/:account_id/users", RD_SURFACE_CANVAS, users_create, "manage_user_logins", 0},
	{"GET", "/api/v1/accounts/:account_id/users", RD_SURFACE_CANVAS, users_list, "read_roster", 0},
	{"GET", "/api/v1/users/:id", RD_SURFACE_CANVAS, users_show, "read_roster", 0},
	{"POST", "/api/v1/users/:user_id/tokens", RD_SURFACE_CANVAS, tokens_create, "create_access_tokens", 0},
	{"GET", "/api/v1/users/:user_id/tokens", RD_SURFACE_CANVAS, tokens_list, "create_access_tokens", 0},
	{"DELETE", "/api/v1/users/:user_id/tokens/:id", RD_SURFACE_CANVAS, tokens_delete, "delete_access_tokens", 0},
	{"GET", "/api/v1/accounts/:account_id/admins/self", RD_SURFACE_CANVAS, admins_self, NULL, 0},
	{"GET", "/api/v1/accounts/:account_id/admins", RD_SURFACE_CANVAS, admins_list, "manage_account_memberships", 0},
	{"POST", "/api/v1/accounts/:account_id/admins", RD_SURFACE_CANVAS, admins_create,
	 "manage_account_memberships", 1},
	{"DELETE", "/api/v1/accounts/:account_id/admins/:user_id", RD_SURFACE_CANVAS, admins_delete,
	 "manage_account_memberships", 1},
	{"GET", "/api/v1/accounts/:account_id/permissions", RD_SURFACE_CANVAS, permissions_check, NULL, 0},
	{"GET", "/api/v1/accounts/:account_id/permissions/:permission", RD_SURFACE_CANVAS, permissions_check_one,
	 NULL, 0},
	{"GET", "/api/v1/accounts/:account_id/permissions/:permission/explain", RD_SURFACE_CANVAS,
	 permissions_explain, "manage_role_overrides", 0},
	/* the audit trail of the account and its sub-accounts (issue 16; 95_audit.sql) */
	{"GET", "/api/v1/accounts/:account_id/audit", RD_SURFACE_CANVAS, audit_list, "manage_role_overrides", 0},
	/* Feature Flags API (issue 16): the permission conditions that are Canvas feature flags, per tenant on
	 * the root account (migrations/functions/25_conditions.sql). */
	{"GET", "/api/v1/accounts/:account_id/features", RD_SURFACE_CANVAS, features_list, "read", 0},
	{"GET", "/api/v1/accounts/:account_id/features/enabled", RD_SURFACE_CANVAS, features_enabled, "read", 0},
	{"GET", "/api/v1/accounts/:account_id/features/flags/:feature", RD_SURFACE_CANVAS, feature_flag_show, "read", 0},
	{"PUT", "/api/v1/accounts/:account_id/features/flags/:feature", RD_SURFACE_CANVAS, feature_flag_update,
	 "manage_feature_flags", 0},
	{"DELETE", "/api/v1/accounts/:account_id/features/flags/:feature", RD_SURFACE_CANVAS, feature_flag_delete,
	 "manage_feature_flags", 0},
	/* api2 Roles (issue #4; migrations/0003): Administrator users only, checked by each SQL function.
	 * /count precedes /:id so the literal segment wins. */
	{"GET", "/api2/roles", RD_SURFACE_API2, api2_roles_list, NULL, 0},
	{"POST", "/api2/roles", RD_SURFACE_API2, api2_roles_create, NULL, 1},
	{"GET", "/api2/roles/count", RD_SURFACE_API2, api2_roles_count, NULL, 0},
	{"GET", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_get, NULL, 0},
	{"POST", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_update, NULL, 1},
	{"DELETE", "/api2/roles/:id", RD_SURFACE_API2, api2_roles_delete, NULL, 1},
	{"POST", "/api2/roles/:id/add-permissions", RD_SURFACE_API2, api2_roles_add_permissions, NULL, 1},
	{"POST", "/api2/roles/:id/remove-permissions", RD_SURFACE_API2, api2_roles_remove_permissions, NULL,
	 1},
	/* api2 Collections, Groups, Users, Memberships (issue 15; migrations/0015): each SQL function decides
	 * visibility and the collection permissions (api2-collections.md). Literal segments precede :id. */
	{"GET", "/api2/collections", RD_SURFACE_API2, api2_collections_list, NULL, 0},
	{"POST", "/api2/collections", RD_SURFACE_API2, api2_collections_create, NULL, 0},
	{"GET", "/api2/collections/tree", RD_SURFACE_API2, api2_collections_tree, NULL, 0},
	{"GET", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_get, NULL, 0},
	{"PUT", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_replace, NULL, 0},
	{"PATCH", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_update, NULL, 0},
	{"POST", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_update, NULL, 0},
	{"DELETE", "/api2/collections/:id", RD_SURFACE_API2, api2_collections_delete, NULL, 0},
	{"GET", "/api2/collections/:id/permissions", RD_SURFACE_API2, api2_collections_permissions, NULL, 0},
	{"GET", "/api2/collections/:id/permissions/:permission/explain", RD_SURFACE_API2, api2_collections_explain,
	 NULL, 0},
	{"GET", "/api2/groups", RD_SURFACE_API2, api2_groups_list, NULL, 0},
	{"POST", "/api2/groups", RD_SURFACE_API2, api2_groups_create, NULL, 0},
	{"GET", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_get, NULL, 0},
	{"PATCH", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_update, NULL, 0},
	{"POST", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_update, NULL, 0},
	{"DELETE", "/api2/groups/:id", RD_SURFACE_API2, api2_groups_delete, NULL, 0},
	{"GET", "/api2/groups/:id/users", RD_SURFACE_API2, api2_group_users_list, NULL, 0},
	{"POST", "/api2/groups/:id/users", RD_SURFACE_API2, api2_group_users_add, NULL, 0},
	{"GET", "/api2/groups/:id/users/:user_id", RD_SURFACE_API2, api2_group_users_get, NULL, 0},
	{"DELETE", "/api2/groups/:id/users/:user_id", RD_SURFACE_API2, api2_group_users_remove, NULL, 0},
	{"GET", "/api2/users", RD_SURFACE_API2, api2_users_list, NULL, 0},
	{"GET", "/api2/users/:id", RD_SURFACE_API2, api2_users_get, NULL, 0},
	{"GET", "/api2/memberships", RD_SURFACE_API2, api2_memberships_list, NULL, 0},
	{"POST", "/api2/memberships", RD_SURFACE_API2, api2_memberships_create, NULL, 0},
	{"GET", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_get, NULL, 0},
	{"PUT", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_update, NULL, 0},
	{"PATCH", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_update, NULL, 0},
	{"POST", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_update, NULL, 0},
	{"DELETE", "/api2/memberships/:id", RD_SURFACE_API2, api2_memberships_delete, NULL, 0},
	/* Canvas Roles API (canvas-roles.md §2) */
	{"GET", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, canvas_roles_list, "manage_role_overrides", 0},
	{"POST", "/api/v1/accounts/:account_id/roles", RD_SURFACE_CANVAS, canvas_roles_create, "manage_role_overrides", 0},
	{"GET", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_show, "manage_role_overrides", 0},
	{"PUT", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_update, "manage_role_overrides",
	 1},
	{"DELETE", "/api/v1/accounts/:account_id/roles/:id", RD_SURFACE_CANVAS, canvas_roles_deactivate,
	 "manage_role_overrides", 0},
	{"POST", "/api/v1/accounts/:account_id/roles/:id/activate", RD_SURFACE_CANVAS, canvas_roles_activate,
	 "manage_role_overrides", 0},
	{NULL, NULL, RD_SURFACE_SYSTEM, NULL, NULL, 0},
};
