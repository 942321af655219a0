#include "idempotency.h"

struct rd_stmt rd_dbidem_begin = RD_STMT("idem_begin", "SELECT * FROM api.idem_begin($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbidem_finish = RD_STMT("idem_finish", "SELECT api.idem_finish($1, $2, $3, $4, $5, $6, $7)", 4);
