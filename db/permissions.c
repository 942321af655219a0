#include "permissions.h"

struct rd_stmt rd_dbpermissions_check = RD_STMT(
	"permissions_check",
	"SELECT rd_permissions_check($1, $2, "
	"CASE WHEN $3::json IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text($3::json)) END)",
	3);
struct rd_stmt rd_dbpermissions_explain =
	RD_STMT("permissions_explain", "SELECT rd_permissions_explain($1, $2, $3, $4)", 4);
