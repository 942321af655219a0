#include "accounts.h"

struct rd_stmt rd_dbaccounts_show =
	RD_STMT("accounts_show", "SELECT api.accounts_show($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbaccounts_update =
	RD_STMT("accounts_update", "SELECT api.accounts_update($1, $2, $3, $4, $5, $6, $7, $8)", 5);
struct rd_stmt rd_dbaccounts_sub_list =
	RD_STMT("accounts_sub_list", "SELECT * FROM api.accounts_sub_list($1, $2, $3, $4, $5, $6, $7)", 4);
struct rd_stmt rd_dbaccounts_sub_create =
	RD_STMT("accounts_sub_create", "SELECT api.accounts_sub_create($1, $2, $3, $4, $5, $6, $7)", 4);
struct rd_stmt rd_dbaccounts_sub_delete =
	RD_STMT("accounts_sub_delete", "SELECT api.accounts_sub_delete($1, $2, $3, $4, $5)", 2);
