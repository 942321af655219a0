#include "api2_roles.h"

struct rd_stmt rd_dbapi2_roles_list = RD_STMT(
	"api2_roles_list",
	"SELECT total, items FROM rd_api2_roles_list($1::jsonb, $2::jsonb, $3::jsonb, $4::jsonb, $5::bigint, $6::int)",
	6);
struct rd_stmt rd_dbapi2_roles_count = RD_STMT(
	"api2_roles_count", "SELECT rd_api2_roles_count($1::jsonb, $2::jsonb, $3::jsonb, $4::jsonb)", 4);
struct rd_stmt rd_dbapi2_roles_get = RD_STMT("api2_roles_get", "SELECT rd_api2_roles_get($1)", 1);
struct rd_stmt rd_dbapi2_roles_create =
	RD_STMT("api2_roles_create", "SELECT id, body FROM rd_api2_roles_create($1::jsonb, $2::jsonb)", 2);
struct rd_stmt rd_dbapi2_roles_update =
	RD_STMT("api2_roles_update", "SELECT rd_api2_roles_update($1, $2::jsonb, $3::jsonb)", 3);
struct rd_stmt rd_dbapi2_roles_add_permissions = RD_STMT(
	"api2_roles_add_permissions", "SELECT rd_api2_roles_add_permissions($1, $2::jsonb)", 2);
struct rd_stmt rd_dbapi2_roles_remove_permissions = RD_STMT(
	"api2_roles_remove_permissions", "SELECT rd_api2_roles_remove_permissions($1, $2::jsonb)", 2);
struct rd_stmt rd_dbapi2_roles_delete = RD_STMT("api2_roles_delete", "SELECT rd_api2_roles_delete($1)", 1);
