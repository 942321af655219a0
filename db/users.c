#include "users.h"

struct rd_stmt rd_dbusers_self = RD_STMT("users_self", "SELECT api.users_self($1, $2, $3)", 0);
struct rd_stmt rd_dbusers_create =
	RD_STMT("users_create", "SELECT api.users_create($1, $2, $3, $4, $5, $6, $7, $8, $9)", 6);
struct rd_stmt rd_dbusers_show = RD_STMT("users_show", "SELECT api.users_show($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbusers_list =
	RD_STMT("users_list", "SELECT * FROM api.users_list($1, $2, $3, $4, $5, $6, $7)", 4);
