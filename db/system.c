#include "system.h"

#include <stddef.h>

struct rd_stmt rd_dbsys_noop = RD_STMT("sys_noop", "SELECT 1", 0);
static struct rd_stmt st_ping = RD_STMT("sys_ping", "SELECT 1", 0);

enum rd_err rd_dbsys_ping(struct rd_db *db, struct rd_dberr *err)
{
	return rd_db_exec(db, &st_ping, NULL, NULL, err);
}
