/* Accounts and sub-accounts (migrations/0005). Every statement: $1 account ref, $2 required permission. */
#ifndef RD_DB_ACCOUNTS_H
#define RD_DB_ACCOUNTS_H

#include "db.h"

/* $1 ref, $2 perm -> one row: account JSON. */
extern struct rd_stmt rd_dbaccounts_show;
/* $1 ref, $2 perm, $3 name, $4 sis_account_id ('' clears), $5 parent_account_id ref; NULL = unchanged;
 * $6 account[settings] as JSON text (NULL: absent) -> account JSON (+ settings, warnings). */
extern struct rd_stmt rd_dbaccounts_update;
/* $1 ref, $2 perm, $3 recursive (bool), $4 page bookmark, $5 per_page -> (account_id, body, next_page). */
extern struct rd_stmt rd_dbaccounts_sub_list;
/* $1 ref, $2 perm, $3 name, $4 sis_account_id -> account JSON. */
extern struct rd_stmt rd_dbaccounts_sub_create;
/* $1 ref, $2 perm, $3 sub-account ref -> the deleted account's JSON. */
extern struct rd_stmt rd_dbaccounts_sub_delete;

#endif
