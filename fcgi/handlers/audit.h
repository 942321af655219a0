/* GET /api/v1/accounts/:account_id/audit: the audit trail of an account and its sub-accounts (issue 16). */
#ifndef RD_HANDLERS_AUDIT_H
#define RD_HANDLERS_AUDIT_H

#include "../errors.h"

struct rd_req;

enum rd_err audit_list(struct rd_req *req);

#endif
