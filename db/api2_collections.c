#include "api2_collections.h"

struct rd_stmt rd_dbapi2_collections_list =
	RD_STMT("api2_collections_list", "SELECT * FROM api.api2_collections_list($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbapi2_collections_tree =
	RD_STMT("api2_collections_tree", "SELECT api.api2_collections_tree($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_collections_get =
	RD_STMT("api2_collections_get", "SELECT api.api2_collections_get($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_collections_create =
	RD_STMT("api2_collections_create", "SELECT * FROM api.api2_collections_create($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_collections_update =
	RD_STMT("api2_collections_update", "SELECT api.api2_collections_update($1, $2, $3, $4, $5, $6)", 3);
struct rd_stmt rd_dbapi2_collections_delete =
	RD_STMT("api2_collections_delete", "SELECT api.api2_collections_delete($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbapi2_collections_permissions =
	RD_STMT("api2_collections_permissions", "SELECT api.api2_collections_permissions($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbapi2_collections_explain =
	RD_STMT("api2_collections_explain", "SELECT api.api2_collections_explain($1, $2, $3, $4, $5, $6)", 3);
