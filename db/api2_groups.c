#include "api2_groups.h"

struct rd_stmt rd_dbapi2_groups_list =
	RD_STMT("api2_groups_list", "SELECT * FROM api.api2_groups_list($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbapi2_groups_get =
	RD_STMT("api2_groups_get", "SELECT api.api2_groups_get($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_groups_create =
	RD_STMT("api2_groups_create", "SELECT * FROM api.api2_groups_create($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_groups_update =
	RD_STMT("api2_groups_update", "SELECT api.api2_groups_update($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_groups_delete =
	RD_STMT("api2_groups_delete", "SELECT api.api2_groups_delete($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_group_users_list =
	RD_STMT("api2_group_users_list", "SELECT * FROM api.api2_group_users_list($1, $2, $3, $4, $5, $6, $7)", 4);
struct rd_stmt rd_dbapi2_group_users_get =
	RD_STMT("api2_group_users_get", "SELECT api.api2_group_users_get($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_group_users_add =
	RD_STMT("api2_group_users_add", "SELECT api.api2_group_users_add($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_group_users_remove =
	RD_STMT("api2_group_users_remove", "SELECT api.api2_group_users_remove($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_users_list =
	RD_STMT("api2_users_list", "SELECT * FROM api.api2_users_list($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbapi2_users_get =
	RD_STMT("api2_users_get", "SELECT api.api2_users_get($1, $2, $3, $4)", 1);
