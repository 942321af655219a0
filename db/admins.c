#include "admins.h"

struct rd_stmt rd_dbadmins_list = RD_STMT(
	"admins_list",
	"SELECT account_id, body, next_page FROM rd_admins_list($1, $2, "
	"CASE WHEN $3::json IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text($3::json)) END, "
	"$4, $5::int)",
	5);
struct rd_stmt rd_dbadmins_self =
	RD_STMT("admins_self", "SELECT account_id, body, next_page FROM rd_admins_self($1, $2, $3, $4::int)", 4);
struct rd_stmt rd_dbadmins_create =
	RD_STMT("admins_create", "SELECT rd_admins_create($1, $2, $3, $4, $5)", 5);
struct rd_stmt rd_dbadmins_delete =
	RD_STMT("admins_delete", "SELECT rd_admins_delete($1, $2, $3, $4, $5)", 5);
