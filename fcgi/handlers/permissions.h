#ifndef RD_HANDLERS_PERMISSIONS_H
#define RD_HANDLERS_PERMISSIONS_H

#include "../errors.h"

struct rd_req;

/* GET /api/v1/accounts/:account_id/permissions (permissions[]) */
enum rd_err permissions_check(struct rd_req *req);
/* GET /api/v1/accounts/:account_id/permissions/:permission (Canvas' check_account_permission) */
enum rd_err permissions_check_one(struct rd_req *req);
/* GET /api/v1/accounts/:account_id/permissions/:permission/explain (user_id) */
enum rd_err permissions_explain(struct rd_req *req);

#endif
