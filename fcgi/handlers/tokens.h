#ifndef RD_HANDLERS_TOKENS_H
#define RD_HANDLERS_TOKENS_H

#include "../errors.h"

struct rd_req;

/* POST /api/v1/users/:user_id/tokens (token[purpose], token[expires_at]); the only answer with the token. */
enum rd_err tokens_create(struct rd_req *req);
/* GET /api/v1/users/:user_id/tokens (hints only, paginated) */
enum rd_err tokens_list(struct rd_req *req);
/* DELETE /api/v1/users/:user_id/tokens/:id */
enum rd_err tokens_delete(struct rd_req *req);

#endif
