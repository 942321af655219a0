#include "users.h"

struct rd_stmt rd_dbusers_self = RD_STMT("users_self", "SELECT rd_user_self_json()", 0);
struct rd_stmt rd_dbusers_create =
	RD_STMT("users_create", "SELECT rd_users_create($1, $2, $3, $4, $5, $6, $7)", 7);
struct rd_stmt rd_dbusers_show = RD_STMT("users_show", "SELECT rd_users_show($1, $2)", 2);
struct rd_stmt rd_dbusers_list = RD_STMT(
	"users_list", "SELECT account_id, body, next_page FROM rd_users_list($1, $2, $3, $4, $5::int)", 5);
