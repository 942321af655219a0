/* Access tokens of users (migrations/0005). The token itself never reaches the database: only its
 * SHA-256 (hex) and hint. */
#ifndef RD_DB_TOKENS_H
#define RD_DB_TOKENS_H

#include "db.h"

/* $1 user ref, $2 perm, $3 purpose, $4 expires_at, $5 hash hex, $6 hint -> token JSON (without the token). */
extern struct rd_stmt rd_dbtokens_create;
/* $1 user ref, $2 perm, $3 offset, $4 limit -> (user_id, total, body). */
extern struct rd_stmt rd_dbtokens_list;
/* $1 user ref, $2 perm, $3 token id -> the revoked token's JSON. */
extern struct rd_stmt rd_dbtokens_delete;

#endif
