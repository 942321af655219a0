#include "admins.h"

struct rd_stmt rd_dbadmins_list =
	RD_STMT("admins_list", "SELECT * FROM api.admins_list($1, $2, $3, $4, $5, $6, $7)", 4);
struct rd_stmt rd_dbadmins_self =
	RD_STMT("admins_self", "SELECT * FROM api.admins_self($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbadmins_create =
	RD_STMT("admins_create", "SELECT api.admins_create($1, $2, $3, $4, $5, $6, $7)", 4);
struct rd_stmt rd_dbadmins_delete =
	RD_STMT("admins_delete", "SELECT api.admins_delete($1, $2, $3, $4, $5, $6, $7)", 4);
/* POST ($1 = true) or DELETE ($1 = false) with dry_run=true: the answer plus its effects, nothing written. */
struct rd_stmt rd_dbadmins_dry_run =
	RD_STMT("admins_dry_run", "SELECT api.admins_dry_run($1, $2, $3, $4, $5, $6, $7, $8, $9)", 6);
