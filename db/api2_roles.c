#include "api2_roles.h"

struct rd_stmt rd_dbapi2_roles_list =
	RD_STMT("api2_roles_list", "SELECT * FROM api.api2_roles_list($1, $2, $3, $4, $5, $6, $7, $8, $9)", 6);
struct rd_stmt rd_dbapi2_roles_count =
	RD_STMT("api2_roles_count", "SELECT api.api2_roles_count($1, $2, $3, $4, $5, $6, $7)", 4);
/*
 * GET one role as a single statement (not rd_api2_roles_get): the same checks in the same order (no user
 * 401, not an Administrator 403, no such role in this tenant 404) raised through rd_fail, and the same
 * JSON through rd_api2_role_json. One cached plan instead of four nested function calls.
 */
struct rd_stmt rd_dbapi2_roles_get =
	RD_STMT("api2_roles_get", "SELECT api.api2_roles_get($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_roles_create =
	RD_STMT("api2_roles_create", "SELECT * FROM api.api2_roles_create($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_roles_update =
	RD_STMT("api2_roles_update", "SELECT api.api2_roles_update($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbapi2_roles_add_permissions =
	RD_STMT("api2_roles_add_permissions", "SELECT api.api2_roles_add_permissions($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_roles_remove_permissions =
	RD_STMT("api2_roles_remove_permissions", "SELECT api.api2_roles_remove_permissions($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_roles_delete =
	RD_STMT("api2_roles_delete", "SELECT api.api2_roles_delete($1, $2, $3, $4)", 1);
/* Every role write with dry_run=true ($1 names it): the answer plus its effects, nothing written. */
struct rd_stmt rd_dbapi2_roles_dry_run =
	RD_STMT("api2_roles_dry_run", "SELECT api.api2_roles_dry_run($1, $2, $3, $4, $5, $6, $7, $8)", 5);
