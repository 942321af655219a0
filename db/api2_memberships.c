#include "api2_memberships.h"

struct rd_stmt rd_dbapi2_memberships_list =
	RD_STMT("api2_memberships_list", "SELECT * FROM api.api2_memberships_list($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbapi2_memberships_get =
	RD_STMT("api2_memberships_get", "SELECT api.api2_memberships_get($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_memberships_create =
	RD_STMT("api2_memberships_create", "SELECT * FROM api.api2_memberships_create($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_memberships_update =
	RD_STMT("api2_memberships_update", "SELECT api.api2_memberships_update($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_memberships_delete =
	RD_STMT("api2_memberships_delete", "SELECT api.api2_memberships_delete($1, $2, $3, $4)", 1);
