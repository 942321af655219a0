#include "permissions.h"

/* rd_permissions_check_named is inlined into this statement (0014); without names it answers for all. */
struct rd_stmt rd_dbpermissions_check =
	RD_STMT("permissions_check", "SELECT api.permissions_check($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbpermissions_check_one =
	RD_STMT("permissions_check_one", "SELECT api.permissions_check_one($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbpermissions_explain =
	RD_STMT("permissions_explain", "SELECT api.permissions_explain($1, $2, $3, $4, $5, $6)", 3);
