/*
 * api2 Collection memberships (api2-collections.md §1, §3; migrations/0015_api2_collections.sql).
 * `params` is the request's parameter object as JSON text.
 */
#ifndef RD_DB_API2_MEMBERSHIPS_H
#define RD_DB_API2_MEMBERSHIPS_H

#include "db.h"

/* $1 params (user_id, group_id, collection_id, role_id), $2 page, $3 per_page -> one row (total, items) */
extern struct rd_stmt rd_dbapi2_memberships_list;
/* $1 id -> membership JSON */
extern struct rd_stmt rd_dbapi2_memberships_get;
/* $1 params -> one row (id, body) */
extern struct rd_stmt rd_dbapi2_memberships_create;
/* $1 id, $2 params (role_id) -> membership JSON */
extern struct rd_stmt rd_dbapi2_memberships_update;
/* $1 id -> whether it was deleted */
extern struct rd_stmt rd_dbapi2_memberships_delete;

#endif
