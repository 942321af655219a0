/*
 * Canvas Roles API statements (canvas-roles.md §2). Each is ONE call of a SQL function in
 * migrations/ (0002_canvas.sql and its later replacements), which resolves the URL account and role, authorises the caller, validates,
 * writes and returns the response JSON as one text value, whose "permissions" objects are in the compact form
 * that fcgi/canvas_json.c expands.
 */
#ifndef RD_DB_CANVAS_ROLES_H
#define RD_DB_CANVAS_ROLES_H

#include "db.h"

/*
 * List: $1 account ref, $2 permission, $3 parameter error or NULL, $4 state active, $5 state inactive,
 * $6 show_inherited, $7 page (0 = invalid), $8 per_page. One row: account_id, total, body (JSON array).
 */
extern struct rd_stmt rd_dbcanvas_roles_list;

/* Show: $1 account ref, $2 role ref, $3 permission. One row, one column: role JSON. */
extern struct rd_stmt rd_dbcanvas_roles_show;

/*
 * Create: $1 account ref, $2 permission, $3 parameter error or NULL, $4 label, $5 role, $6 base_role_type
 * (NULL = absent), $7 permissions in normal form (JSON array, NULL = none). One row: role JSON.
 */
extern struct rd_stmt rd_dbcanvas_roles_create;

/* Update: $1 account ref, $2 role ref, $3 permission, $4 parameter error or NULL, $5 label, $6 permissions. */
extern struct rd_stmt rd_dbcanvas_roles_update;
extern struct rd_stmt rd_dbcanvas_roles_update_dry_run;

/* Deactivate (DELETE) and activate: $1 account ref, $2 role ref, $3 permission. One row: role JSON. */
extern struct rd_stmt rd_dbcanvas_roles_deactivate;
extern struct rd_stmt rd_dbcanvas_roles_activate;

/*
 * The text pieces of role JSON (fcgi/canvas_json.c): rows of kind, base_role_type, is_root, ord, member,
 * hidden_by_default (migrations/0008_canvas_compact_json.sql). No request context.
 */
extern struct rd_stmt rd_dbcanvas_json_catalog;

#endif
