/* Users (the caller and, later, user management). */
#ifndef RD_DB_USERS_H
#define RD_DB_USERS_H

#include "db.h"

struct rd_req;

/* The calling user's JSON (Canvas User), or RD_ERR_UNAUTHENTICATED. *out: one row, one column, JSON text. */
extern struct rd_stmt rd_dbusers_self;

#endif
