/* A user's effective permissions on an account, and why (migrations/0005). */
#ifndef RD_DB_PERMISSIONS_H
#define RD_DB_PERMISSIONS_H

#include "db.h"

/* $1 account ref, $2 perm, $3 permission names as a JSON array text or NULL (all) -> {"name": bool}. */
extern struct rd_stmt rd_dbpermissions_check;
/* $1 account ref, $2 permission name -> {"permission": name, "granted": bool} (manage_catalog only). */
extern struct rd_stmt rd_dbpermissions_check_one;
/* $1 account ref, $2 perm, $3 permission, $4 user ref or NULL (the caller) -> explanation JSON. */
extern struct rd_stmt rd_dbpermissions_explain;

#endif
