#include "system.h"

#include <stddef.h>

/* The context alone (api.sys_noop): an unknown host is a 404 before any other complaint. */
struct rd_stmt rd_dbsys_noop = RD_STMT("sys_noop", "SELECT api.sys_noop($1, $2, $3)", 0);
static struct rd_stmt st_ping = RD_STMT("sys_ping", "SELECT 1", 0);

enum rd_err rd_dbsys_ping(struct rd_db *db, struct rd_dberr *err)
{
	return rd_db_exec(db, &st_ping, NULL, NULL, err);
}
