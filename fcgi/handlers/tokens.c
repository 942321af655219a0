/*
 * Access tokens. The token is minted here (fcgi/auth.c), its SHA-256 and hint go to SQL, and the token
 * itself is added to the create answer only: it never reaches PostgreSQL, a log line or a later answer.
 */
#define _GNU_SOURCE
#include "tokens.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../db/tokens.h"
#include "../auth.h"
#include "../buf.h"
#include "../paginate.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

/*
 * The members of token[...] other than purpose and expires_at are ignored (issue 16, no silent no-ops): each
 * is a `warnings` entry of the answer. Canvas' token[scopes] above all: a rolesd token acts with every
 * permission of its user, and a client asking for a narrower one must learn that it did not get it.
 */
static void warn_ignored_token_members(struct rd_req *req, json_t *body)
{
	json_t *given = json_object_get(req->params, "token"), *warnings = NULL, *v;
	const char *key;
	char name[300], msg[500];

	if (!json_is_object(given))
		return;
	json_object_foreach(given, key, v) {
		if (strcmp(key, "purpose") == 0 || strcmp(key, "expires_at") == 0)
			continue;
		if (warnings == NULL) {
			warnings = json_array();
			json_object_set_new(body, "warnings", warnings);
		}
		snprintf(name, sizeof name, "token[%s]", key);
		if (strcmp(key, "scopes") == 0)
			snprintf(msg, sizeof msg, "rolesd tokens are not scoped: the token acts with every permission "
						  "of its user; %s was ignored", name);
		else
			snprintf(msg, sizeof msg, "rolesd does not keep %s; it was ignored", name);
		json_array_append_new(warnings, json_pack("{s:s,s:b,s:s,s:s}", "setting", name, "ignored", 1,
							  "reason", "unknown_setting", "message", msg));
	}
}

enum rd_err tokens_create(struct rd_req *req)
{
	struct acct_param purpose, expires_at;
	char token[RD_TOKEN_LEN + 1], hash[65], hint[RD_TOKEN_HINT_LEN + 1];
	const char *params[5];
	struct rd_res *res = NULL;
	json_t *body = NULL;
	enum rd_err e;

	if ((e = acct_param(req, "token", "purpose", &purpose)) != RD_OK ||
	    (e = acct_param(req, "token", "expires_at", &expires_at)) != RD_OK)
		return e;
	if (rd_auth_token_new(token, hash, hint) != 0)
		return RD_ERR_INTERNAL;
	params[0] = req->pathv[0];
	params[1] = purpose.s;
	params[2] = expires_at.s;
	params[3] = hash;
	params[4] = hint;
	e = rd_req_db(req, &rd_dbtokens_create, params, &res);
	if (e != RD_OK)
		goto out;
	body = json_loads(rd_res_value(res, 0, 0), 0, NULL);
	if (!json_is_object(body)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	warn_ignored_token_members(req, body);
	if (req->idem_active) {
		/* An Idempotency-Key stores the answer: store it without the token, which is shown once and kept
		 * nowhere (a replay answers the token's object; a client that lost the secret revokes it). */
		req->idem_body = json_dumps(body, JSON_COMPACT);
		if (req->idem_body == NULL)
			abort();
	}
	json_object_set_new(body, "token", json_string(token));
	json_object_set_new(body, "visible_token", json_string(token));
	req->body = body;
	body = NULL;
	rd_req_header(req, "Cache-Control", "no-store");
out:
	explicit_bzero(token, sizeof token);
	json_decref(body);
	rd_res_free(res);
	return e;
}

enum rd_err tokens_list(struct rd_req *req)
{
	struct rd_page pg = {1, 10};
	struct rd_res *res = NULL;
	struct rd_buf path = {0};
	char offset[24], limit[24];
	const char *params[3];
	enum rd_err e;

	/* a bad page is Canvas' 404, raised by SQL after authorisation (offset -1) */
	if (rd_page_canvas(req, &pg) != RD_OK)
		snprintf(offset, sizeof offset, "-1");
	else
		snprintf(offset, sizeof offset, "%lld", pg.page > 100000000LL ? 100000000LL * pg.per_page
									    : (pg.page - 1) * pg.per_page);
	snprintf(limit, sizeof limit, "%lld", pg.per_page);
	params[0] = req->pathv[0];
	params[1] = offset;
	params[2] = limit;
	e = rd_req_db(req, &rd_dbtokens_list, params, &res);
	if (e != RD_OK)
		goto out;
	rd_buf_printf(&path, "/api/v1/users/%lld/tokens", rd_res_int(res, 0, 0));
	rd_page_canvas_link(req, path.p, &pg, rd_res_int(res, 0, 1));
	rd_req_body_text(req, rd_res_value(res, 0, 2), (size_t)rd_res_len(res, 0, 2));
out:
	rd_buf_free(&path);
	rd_res_free(res);
	return e;
}

enum rd_err tokens_delete(struct rd_req *req)
{
	const char *params[2] = {req->pathv[0], req->pathv[1]};

	return rd_req_db_json(req, &rd_dbtokens_delete, params);
}
