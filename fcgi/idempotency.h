/*
 * Idempotency-Key on Canvas and api2 writes. A write sent with the header runs in one explicit
 * transaction: the key is claimed (api.idem_begin), the handler's own statement runs, the answer is stored
 * with the key (api.idem_finish), then COMMIT. So the answer is stored exactly when the write committed:
 * a retry after a lost answer (a 502, a database restart) with the same key and request gets the first
 * answer and writes nothing; the same key with another request (or from another user) is a 422. Answers
 * of 500 and above are not stored (the transaction rolls back, a retry runs again). Keys expire after
 * ROLESD_IDEMPOTENCY_TTL seconds.
 */
#ifndef RD_IDEMPOTENCY_H
#define RD_IDEMPOTENCY_H

#include "errors.h"

struct rd_req;

/* Whether this request takes part: a write (POST, PUT, PATCH, DELETE) of the Canvas or api2 surface with the
 * header. Validates the key: RD_ERR_BAD_REQUEST (set in *e) for a malformed one. */
int rd_idem_wanted(struct rd_req *req, const char *key, enum rd_err *e);

/*
 * Opens the transaction and claims the key. Returns 1 when the request is already answered (the stored
 * answer is in req, or *e holds the error to render: a mismatch, the database); 0 when the handler must run,
 * then rd_idem_end.
 */
int rd_idem_start(struct rd_req *req, int ttl_seconds, enum rd_err *e);

/* After the handler and the error rendering: stores the answer (body_text: the rendered body) and commits,
 * or rolls back an answer of 500 and above. Returns RD_OK, or the error that replaces the answer when the
 * commit failed (nothing was written). */
enum rd_err rd_idem_end(struct rd_req *req, const char *body_text);

#endif
