/* Health checks and the bare host check. */
#ifndef RD_DB_SYSTEM_H
#define RD_DB_SYSTEM_H

#include "db.h"

/* SELECT 1 — run after rd_ctx when only the host (tenant) needs checking. */
extern struct rd_stmt rd_dbsys_noop;

/* One round trip without tenant context (readiness). */
enum rd_err rd_dbsys_ping(struct rd_db *db, struct rd_dberr *err) RD_MUSTCHECK;

#endif
