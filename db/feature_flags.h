/* Feature Flags API and account-setting conditions (migrations/functions/25_conditions.sql). Every
 * statement: $1 account ref, $2 required permission. */
#ifndef RD_DB_FEATURE_FLAGS_H
#define RD_DB_FEATURE_FLAGS_H

#include "db.h"

/* $1 ref, $2 perm -> one row: JSON array of Feature objects. */
extern struct rd_stmt rd_dbfeatures_list;
/* $1 ref, $2 perm -> one row: JSON array of the names of enabled features. */
extern struct rd_stmt rd_dbfeatures_enabled;
/* $1 ref, $2 perm, $3 feature -> one row: FeatureFlag JSON. */
extern struct rd_stmt rd_dbfeature_flag_show;
/* $1 ref, $2 perm, $3 feature, $4 state (PUT) or NULL, $5 delete (bool) -> one row: FeatureFlag JSON. */
extern struct rd_stmt rd_dbfeature_flag_write;

#endif
