/* The statements of Idempotency-Key support (migrations/functions/95_idempotency.sql). */
#ifndef RD_DB_IDEMPOTENCY_H
#define RD_DB_IDEMPOTENCY_H

#include "db.h"

/* api.idem_begin(host, token_hash, key, fingerprint, ttl_seconds): one row (state, status, headers, body). */
extern struct rd_stmt rd_dbidem_begin;
/* api.idem_finish(host, token_hash, key, status, headers, body): no rows. */
extern struct rd_stmt rd_dbidem_finish;

#endif
