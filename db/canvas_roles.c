#include "canvas_roles.h"

struct rd_stmt rd_dbcanvas_roles_list =
	RD_STMT("canvas_roles_list", "SELECT * FROM api.canvas_roles_list($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 7);

/* api.canvas_roles_show: the fast path rd_canvas_role_get_fast, else the general rd_canvas_roles_show. */
struct rd_stmt rd_dbcanvas_roles_show =
	RD_STMT("canvas_roles_show", "SELECT api.canvas_roles_show($1, $2, $3, $4, $5)", 2);

struct rd_stmt rd_dbcanvas_roles_create =
	RD_STMT("canvas_roles_create", "SELECT api.canvas_roles_create($1, $2, $3, $4, $5, $6, $7, $8, $9)", 6);

struct rd_stmt rd_dbcanvas_roles_update =
	RD_STMT("canvas_roles_update", "SELECT api.canvas_roles_update($1, $2, $3, $4, $5, $6, $7, $8)", 5);

/* The same with dry_run=true and effects_after: the answer plus its effects, nothing written. */
struct rd_stmt rd_dbcanvas_roles_update_dry_run =
	RD_STMT("canvas_roles_update_dry_run", "SELECT api.canvas_roles_update_dry_run($1, $2, $3, $4, $5, $6, $7, $8, $9)", 6);

struct rd_stmt rd_dbcanvas_roles_deactivate =
	RD_STMT("canvas_roles_deactivate", "SELECT api.canvas_roles_deactivate($1, $2, $3, $4, $5)", 2);

struct rd_stmt rd_dbcanvas_roles_activate =
	RD_STMT("canvas_roles_activate", "SELECT api.canvas_roles_activate($1, $2, $3, $4, $5)", 2);

struct rd_stmt rd_dbcanvas_json_catalog = RD_STMT("canvas_json_catalog",
	"SELECT kind, base_role_type, is_root, ord, member, hidden_by_default FROM api.canvas_json_catalog()", 0);
