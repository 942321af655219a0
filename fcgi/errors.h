/*
 * The mapping of the error enum (db/errcode.h) to HTTP.
 *
 * Handlers and db/ return an enum rd_err (RD_OK = 0). rd_errors_render() is the only place that turns
 * a code into a status line and a body, in the error shape of the request's API surface (Canvas,
 * api2 or system). No handler prints a status or builds an error body itself.
 */
#ifndef RD_ERRORS_H
#define RD_ERRORS_H

#include "../db/errcode.h"

enum rd_surface { RD_SURFACE_SYSTEM = 0, RD_SURFACE_CANVAS, RD_SURFACE_API2 };

struct rd_req;

/* HTTP status of a code (200 for RD_OK). */
int rd_errors_status(enum rd_err err);

/* Short stable name of a code, for logs ("not_found"). */
const char *rd_errors_name(enum rd_err err);

/*
 * Fills req's status, headers and body for err in the shape of req's surface, using req->err_message
 * and req->err_detail when the code carries them. Replaces any body the handler had set.
 */
void rd_errors_render(struct rd_req *req, enum rd_err err);

#endif
