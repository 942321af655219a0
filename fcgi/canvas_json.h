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

#endif
