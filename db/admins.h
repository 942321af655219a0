/* Account admins (account memberships, migrations/0005). */
#ifndef RD_DB_ADMINS_H
#define RD_DB_ADMINS_H

#include "db.h"

/* $1 account ref, $2 perm, $3 user_id[] as a JSON array text or NULL, $4 page bookmark, $5 per_page
 * -> (account_id, body, next_page). */
extern struct rd_stmt rd_dbadmins_list;
/* $1 account ref, $2 perm, $3 page bookmark, $4 per_page -> (account_id, body, next_page). */
extern struct rd_stmt rd_dbadmins_self;
/* $1 account ref, $2 perm, $3 user ref, $4 role_id, $5 role name -> admin JSON. */
extern struct rd_stmt rd_dbadmins_create;
/* $1 account ref, $2 perm, $3 user ref, $4 role_id, $5 role name -> the removed admin's JSON. */
extern struct rd_stmt rd_dbadmins_delete;
extern struct rd_stmt rd_dbadmins_dry_run;

#endif
