#include "accounts.h"

struct rd_stmt rd_dbaccounts_show = RD_STMT("accounts_show", "SELECT rd_accounts_show($1, $2)", 2);
struct rd_stmt rd_dbaccounts_update =
	RD_STMT("accounts_update", "SELECT rd_accounts_update($1, $2, $3, $4, $5)", 5);
struct rd_stmt rd_dbaccounts_sub_list = RD_STMT(
	"accounts_sub_list",
	"SELECT account_id, body, next_page FROM rd_accounts_sub_list($1, $2, $3::boolean, $4, $5::int)", 5);
struct rd_stmt rd_dbaccounts_sub_create =
	RD_STMT("accounts_sub_create", "SELECT rd_accounts_sub_create($1, $2, $3, $4)", 4);
struct rd_stmt rd_dbaccounts_sub_delete =
	RD_STMT("accounts_sub_delete", "SELECT rd_accounts_sub_delete($1, $2, $3)", 3);
