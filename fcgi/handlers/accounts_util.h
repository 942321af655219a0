/*
 * Helpers shared by the account, user, token, admin and permission handlers: typed parameter access,
 * keyset pages, and passing a JSON answer built by SQL through.
 */
#ifndef RD_HANDLERS_ACCOUNTS_UTIL_H
#define RD_HANDLERS_ACCOUNTS_UTIL_H

#include "../errors.h"
#include "../paginate.h"

struct rd_req;
struct rd_stmt;

/* One scalar parameter as text. s is NULL when absent; borrowed from req->params or num. */
struct acct_param {
	const char *s;
	char num[32];
};

/*
 * params[obj][key] (obj NULL: params[key]) as text: a string as is, an integer printed, JSON null as ""
 * (Canvas: blank). Anything else, or params[obj] that is not a hash, is a 400 naming the parameter.
 */
enum rd_err acct_param(struct rd_req *req, const char *obj, const char *key, struct acct_param *out)
	__attribute__((warn_unused_result));

/*
 * params[key] as a new JSON array text of strings for SQL (json_array_elements_text): a list, or one
 * scalar as a one-element list. *out is NULL when absent (caller frees with free()). Non-string elements
 * (other than integers) or more than max elements: 400.
 */
enum rd_err acct_param_list(struct rd_req *req, const char *key, size_t max, char **out)
	__attribute__((warn_unused_result));

/*
 * Keyset pagination (canvas-conventions.md): per_page as for every Canvas list; `page` absent, "first" or 1
 * is the first page (*token NULL), any other value is an opaque bookmark handed to SQL (which answers a bad
 * one with Canvas' page-not-found 404).
 */
enum rd_err acct_keyset_page(struct rd_req *req, struct rd_page *pg, const char **token)
	__attribute__((warn_unused_result));

/*
 * Runs a keyset list statement returning (account_id, body, next_page) and answers body with a Link header
 * for /api/v1/accounts/<account_id><suffix>.
 */
enum rd_err acct_answer_list(struct rd_req *req, struct rd_stmt *stmt, const char *const *params,
			     const struct rd_page *pg, const char *token, const char *suffix)
	__attribute__((warn_unused_result));

/*
 * After a write answered 200: each member of params[ns] that is not in known (NULL-terminated) was ignored,
 * so the answer's `warnings` names it (issue 16, no silent no-ops): {"setting": "ns[key]", "ignored": true,
 * "reason": "unknown_setting", "message": ...}. The answer must be a JSON object (req->body_text).
 */
void acct_warn_ignored(struct rd_req *req, const char *ns, const char *const *known);

#endif
