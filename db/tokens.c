#include "tokens.h"

struct rd_stmt rd_dbtokens_create =
	RD_STMT("tokens_create", "SELECT rd_tokens_create($1, $2, $3, $4, $5, $6)", 6);
struct rd_stmt rd_dbtokens_list = RD_STMT(
	"tokens_list", "SELECT user_id, total, body FROM rd_tokens_list($1, $2, $3::bigint, $4::int)", 4);
struct rd_stmt rd_dbtokens_delete = RD_STMT("tokens_delete", "SELECT rd_tokens_delete($1, $2, $3)", 3);
