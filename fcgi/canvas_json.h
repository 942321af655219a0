/*
 * Canvas role JSON: expands the compact "permissions" marker that SQL answers carry
 * (migrations/0008_canvas_compact_json.sql) into Canvas' permissions object.
 *
 * The text pieces (every permission's default member per base role type and kind of account, the text
 * around a state fragment, the 64 state fragments) are the catalogue of migration 0002, which no request
 * changes; each worker loads them once, on first use, and keeps them for its life.
 */
#ifndef RD_CANVAS_JSON_H
#define RD_CANVAS_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "buf.h"
#include "errors.h"
#include "../db/db.h"

/* Loads the catalogue through db unless it is loaded already. */
enum rd_err rd_canvas_json_load(struct rd_db *db) __attribute__((warn_unused_result));

/*
 * Appends in[0..len) to out with every compact marker expanded; text without a marker is copied as it is.
 * RD_ERR_INTERNAL (out then holds a partial copy) when a marker is malformed or names what the catalogue
 * does not hold, or the catalogue is not loaded.
 */
enum rd_err rd_canvas_json_expand(const char *in, size_t len, struct rd_buf *out)
	__attribute__((warn_unused_result));

/*
 * Canvas' string ids (Api.recursively_stringify_json_ids, asked for with
 * "Accept: application/json+canvas-string-ids"): in every object of v, an integer under a key that is "id" or
 * ends in "_id" becomes its decimal string, and so do the integers of an array under "ids" or "..._ids".
 * Changes v in place.
 */
void rd_canvas_json_stringify_ids(json_t *v);

/* Whether an Accept header asks for string ids (Canvas: it includes "application/json+canvas-string-ids"). */
int rd_canvas_json_wants_string_ids(const char *accept);

#endif
