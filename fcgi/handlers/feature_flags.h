/* The Canvas Feature Flags API on accounts: rolesd's feature conditions (issue 16). */
#ifndef RD_HANDLERS_FEATURE_FLAGS_H
#define RD_HANDLERS_FEATURE_FLAGS_H

#include "../errors.h"

struct rd_req;

enum rd_err features_list(struct rd_req *req);
enum rd_err features_enabled(struct rd_req *req);
enum rd_err feature_flag_show(struct rd_req *req);
enum rd_err feature_flag_update(struct rd_req *req);
enum rd_err feature_flag_delete(struct rd_req *req);

#endif
