#ifndef RD_HANDLERS_ACCOUNTS_H
#define RD_HANDLERS_ACCOUNTS_H

#include "../errors.h"

struct rd_req;

/* GET /api/v1/accounts/:id */
enum rd_err accounts_show(struct rd_req *req);
/* PUT /api/v1/accounts/:id (account[name], account[sis_account_id], account[parent_account_id]) */
enum rd_err accounts_update(struct rd_req *req);
/* GET /api/v1/accounts/:account_id/sub_accounts (recursive, keyset-paginated) */
enum rd_err accounts_sub_list(struct rd_req *req);
/* POST /api/v1/accounts/:account_id/sub_accounts (account[name], account[sis_account_id]) */
enum rd_err accounts_sub_create(struct rd_req *req);
/* DELETE /api/v1/accounts/:account_id/sub_accounts/:id */
enum rd_err accounts_sub_delete(struct rd_req *req);

#endif
