#include "audit.h"

struct rd_stmt rd_dbaudit_list =
	RD_STMT("audit_list", "SELECT * FROM api.audit_list($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 7);
