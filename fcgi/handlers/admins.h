#ifndef RD_HANDLERS_ADMINS_H
#define RD_HANDLERS_ADMINS_H

#include "../errors.h"

struct rd_req;

/* GET /api/v1/accounts/:account_id/admins (user_id[], keyset-paginated) */
enum rd_err admins_list(struct rd_req *req);
/* GET /api/v1/accounts/:account_id/admins/self */
enum rd_err admins_self(struct rd_req *req);
/* POST /api/v1/accounts/:account_id/admins (user_id, role_id | role) */
enum rd_err admins_create(struct rd_req *req);
/* DELETE /api/v1/accounts/:account_id/admins/:user_id (role_id | role) */
enum rd_err admins_delete(struct rd_req *req);

#endif
