#include "feature_flags.h"

struct rd_stmt rd_dbfeatures_list =
	RD_STMT("features_list", "SELECT api.features_list($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbfeatures_enabled =
	RD_STMT("features_enabled", "SELECT api.features_enabled($1, $2, $3, $4)", 1);
struct rd_stmt rd_dbfeature_flag_show =
	RD_STMT("feature_flag_show", "SELECT api.feature_flag_show($1, $2, $3, $4, $5)", 2);
struct rd_stmt rd_dbfeature_flag_write =
	RD_STMT("feature_flag_write", "SELECT api.feature_flag_write($1, $2, $3, $4, $5, $6, $7)", 4);
