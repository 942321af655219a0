#include "users.h"

struct rd_stmt rd_dbusers_self = RD_STMT("users_self", "SELECT rd_user_self_json()", 0);
