/*
 * api2 Groups, their users, and the read-only api2 Users (api2-collections.md §1, §3;
 * migrations/0015_api2_collections.sql). `params` is the request's parameter object as JSON text.
 */
#ifndef RD_DB_API2_GROUPS_H
#define RD_DB_API2_GROUPS_H

#include "db.h"

/* $1 params (user_id), $2 page, $3 per_page -> one row (total, items) */
extern struct rd_stmt rd_dbapi2_groups_list;
/* $1 id -> group JSON */
extern struct rd_stmt rd_dbapi2_groups_get;
/* $1 params -> one row (id, body) */
extern struct rd_stmt rd_dbapi2_groups_create;
/* $1 id, $2 params -> group JSON */
extern struct rd_stmt rd_dbapi2_groups_update;
/* $1 id -> whether it was deleted */
extern struct rd_stmt rd_dbapi2_groups_delete;
/* $1 group id, $2 params (is_admin, unique_id), $3 page, $4 per_page -> one row (total, items) */
extern struct rd_stmt rd_dbapi2_group_users_list;
/* $1 group id, $2 params (user_id) -> user JSON */
extern struct rd_stmt rd_dbapi2_group_users_get;
extern struct rd_stmt rd_dbapi2_group_users_add;
/* $1 group id, $2 user id -> whether a member was removed */
extern struct rd_stmt rd_dbapi2_group_users_remove;
/* $1 params (is_admin, unique_id, group_id), $2 page, $3 per_page -> one row (total, items) */
extern struct rd_stmt rd_dbapi2_users_list;
/* $1 id -> user JSON */
extern struct rd_stmt rd_dbapi2_users_get;

#endif
