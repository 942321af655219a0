#include "tokens.h"

struct rd_stmt rd_dbtokens_create =
	RD_STMT("tokens_create", "SELECT api.tokens_create($1, $2, $3, $4, $5, $6, $7, $8)", 5);
struct rd_stmt rd_dbtokens_list =
	RD_STMT("tokens_list", "SELECT * FROM api.tokens_list($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbtokens_delete =
	RD_STMT("tokens_delete", "SELECT api.tokens_delete($1, $2, $3, $4, $5)", 2);
