/*
 * api2 Roles (api2-roles.md; migrations/0003_api2.sql). Every statement is one SQL function that checks the
 * caller (Administrator users only), validates and works; request values are passed as JSON text ($n::jsonb,
 * NULL when absent) so the SQL reports type errors after authorization, with the other invalid values.
 */
#ifndef RD_DB_API2_ROLES_H
#define RD_DB_API2_ROLES_H

#include "db.h"

/* $1 display_name, $2 deletable, $3 lti, $4 permissions (filters, JSON), $5 page (1-based), $6 per_page
 * -> one row (total, items): the number of matching roles and the page's JSON array of roles. */
extern struct rd_stmt rd_dbapi2_roles_list;
/* $1..$4 as for the list -> {"count":N} */
extern struct rd_stmt rd_dbapi2_roles_count;
/* $1 role id (URL segment) -> role JSON */
extern struct rd_stmt rd_dbapi2_roles_get;
/* $1 display_name, $2 permissions (JSON) -> one row (id, body) */
extern struct rd_stmt rd_dbapi2_roles_create;
/* $1 role id, $2 display_name, $3 permissions (JSON, NULL = unchanged) -> role JSON */
extern struct rd_stmt rd_dbapi2_roles_update;
/* $1 role id, $2 permissions (JSON) -> role JSON */
extern struct rd_stmt rd_dbapi2_roles_add_permissions;
extern struct rd_stmt rd_dbapi2_roles_remove_permissions;
/* $1 role id -> whether a role was deleted (a missing role is not an error) */
extern struct rd_stmt rd_dbapi2_roles_delete;
extern struct rd_stmt rd_dbapi2_roles_dry_run;

#endif
