#include "api2_roles.h"

struct rd_stmt rd_dbapi2_roles_list = RD_STMT(
	"api2_roles_list",
	"SELECT total, items FROM rd_api2_roles_list($1::jsonb, $2::jsonb, $3::jsonb, $4::jsonb, $5::bigint, $6::int)",
	6);
struct rd_stmt rd_dbapi2_roles_count = RD_STMT(
	"api2_roles_count", "SELECT rd_api2_roles_count($1::jsonb, $2::jsonb, $3::jsonb, $4::jsonb)", 4);
/*
 * GET one role as a single statement (not rd_api2_roles_get): the same checks in the same order (no user
 * 401, not an Administrator 403, no such role in this tenant 404) raised through rd_fail, and the same
 * JSON through rd_api2_role_json. One cached plan instead of four nested function calls.
 */
struct rd_stmt rd_dbapi2_roles_get = RD_STMT("api2_roles_get",
	"SELECT CASE WHEN rd_user() IS NULL"
	"            THEN rd_fail('RDU01', 'Authentication required: send an Authorization: Bearer token')"
	"            WHEN NOT coalesce(u.is_admin, false)"
	"            THEN rd_fail('RD403', 'Only Administrator users may use the Roles API')"
	"            WHEN r.id IS NULL THEN rd_fail('RDR04', 'Role not found')"
	"            ELSE rd_api2_role_json(r, ARRAY(SELECT p.permission FROM api2_role_permissions p"
	"                                            WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id"
	"                                            ORDER BY p.permission)) END"
	"  FROM (SELECT 1) one"
	"  LEFT JOIN users u ON u.tenant_id = rd_tenant() AND u.id = rd_user()"
	"  LEFT JOIN api2_roles r ON r.tenant_id = rd_tenant() AND r.id = rd_api2_parse_id($1)",
	1);
struct rd_stmt rd_dbapi2_roles_create =
	RD_STMT("api2_roles_create", "SELECT id, body FROM rd_api2_roles_create($1::jsonb, $2::jsonb)", 2);
struct rd_stmt rd_dbapi2_roles_update =
	RD_STMT("api2_roles_update", "SELECT rd_api2_roles_update($1, $2::jsonb, $3::jsonb)", 3);
struct rd_stmt rd_dbapi2_roles_add_permissions = RD_STMT(
	"api2_roles_add_permissions", "SELECT rd_api2_roles_add_permissions($1, $2::jsonb)", 2);
struct rd_stmt rd_dbapi2_roles_remove_permissions = RD_STMT(
	"api2_roles_remove_permissions", "SELECT rd_api2_roles_remove_permissions($1, $2::jsonb)", 2);
struct rd_stmt rd_dbapi2_roles_delete = RD_STMT("api2_roles_delete", "SELECT rd_api2_roles_delete($1)", 1);
