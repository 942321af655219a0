/* The audit trail (migrations/functions/95_audit.sql). */
#ifndef RD_DB_AUDIT_H
#define RD_DB_AUDIT_H

#include "db.h"

/* $1 ref, $2 perm, $3 since, $4 until, $5 entity, $6 user_id, $7 page bookmark, $8 per_page
 * -> (account_id, body, next_page). */
extern struct rd_stmt rd_dbaudit_list;

#endif
