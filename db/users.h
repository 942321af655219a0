/* Users: the caller, and user management (migrations/0005). */
#ifndef RD_DB_USERS_H
#define RD_DB_USERS_H

#include "db.h"

struct rd_req;

/* The calling user's JSON (Canvas User), or RD_ERR_UNAUTHENTICATED. *out: one row, one column, JSON text. */
extern struct rd_stmt rd_dbusers_self;
/* $1 account ref, $2 perm, $3 name, $4 short_name, $5 sortable_name, $6 login (unique_id), $7 sis_user_id
 * -> the new user's JSON. */
extern struct rd_stmt rd_dbusers_create;
/* $1 user ref, $2 perm -> user JSON. */
extern struct rd_stmt rd_dbusers_show;
/* $1 account ref, $2 perm, $3 search_term, $4 page bookmark, $5 per_page -> (account_id, body, next_page). */
extern struct rd_stmt rd_dbusers_list;

#endif
