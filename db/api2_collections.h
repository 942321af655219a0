/*
 * api2 Collections (api2-collections.md; migrations/0015_api2_collections.sql). Each statement is one
 * rd_api2_* function; `params` is the request's parameter object as JSON text ($n::jsonb). The functions
 * decide visibility (404), permissions (403 naming the permission and collection) and values (422).
 */
#ifndef RD_DB_API2_COLLECTIONS_H
#define RD_DB_API2_COLLECTIONS_H

#include "db.h"

/* $1 params (filters), $2 page, $3 per_page -> one row (total, items) */
extern struct rd_stmt rd_dbapi2_collections_list;
/* $1 params (filters) -> flat JSON array of nodes, each with "children":[] */
extern struct rd_stmt rd_dbapi2_collections_tree;
/* $1 id -> collection JSON */
extern struct rd_stmt rd_dbapi2_collections_get;
/* $1 params -> one row (id, body) */
extern struct rd_stmt rd_dbapi2_collections_create;
/* $1 id, $2 params, $3 replace (PUT) -> collection JSON */
extern struct rd_stmt rd_dbapi2_collections_update;
/* $1 id -> whether it was deleted */
extern struct rd_stmt rd_dbapi2_collections_delete;
/* $1 id, $2 user_id (JSON or NULL) -> {"collection_id","user_id","permissions"} */
extern struct rd_stmt rd_dbapi2_collections_permissions;
/* $1 id, $2 permission, $3 user_id (JSON or NULL) -> explanation JSON */
extern struct rd_stmt rd_dbapi2_collections_explain;

#endif
