/*
 * Feature Flags API (Canvas' /api/v1/accounts/:account_id/features...): the permission conditions that are
 * feature flags, switched per tenant on the root account. Existence, permissions, states and the JSON are
 * the SQL functions' (migrations/functions/25_conditions.sql); this only passes the captures and `state`.
 */
#include "feature_flags.h"

#include <stdlib.h>
#include <string.h>

#include "../../db/feature_flags.h"
#include "../paginate.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

/*
 * The list is paginated as Canvas' FeatureFlagsController#index (Api.paginate: per_page 10, Link); the page
 * is read after the call, so a bad page is a 404 only once the caller is authorised.
 */
enum rd_err features_list(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};
	struct rd_res *res = NULL;
	struct rd_page pg;
	json_t *all = NULL, *items, *page = NULL;
	char path[64], *text;
	size_t i, n;
	enum rd_err e;

	e = rd_req_db(req, &rd_dbfeatures_list, params, &res);
	if (e != RD_OK)
		goto out;
	all = json_loadb(rd_res_value(res, 0, 0), (size_t)rd_res_len(res, 0, 0), 0, NULL);
	items = json_object_get(all, "items");
	if (!json_is_array(items) || !json_is_integer(json_object_get(all, "account_id"))) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	if ((e = rd_page_canvas(req, &pg)) != RD_OK)
		goto out;
	n = json_array_size(items);
	page = json_array();
	for (i = (size_t)((pg.page - 1) * pg.per_page); i < n && i < (size_t)(pg.page * pg.per_page); i++)
		json_array_append(page, json_array_get(items, i));
	snprintf(path, sizeof path, "/api/v1/accounts/%lld/features",
		 (long long)json_integer_value(json_object_get(all, "account_id")));
	rd_page_canvas_link(req, path, &pg, (long long)n);
	text = json_dumps(page, JSON_COMPACT);
	if (text == NULL)
		abort();
	rd_req_body_text(req, text, strlen(text));
	free(text);
out:
	json_decref(page);
	json_decref(all);
	rd_res_free(res);
	return e;
}

enum rd_err features_enabled(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbfeatures_enabled, params);
}

enum rd_err feature_flag_show(struct rd_req *req)
{
	const char *params[2] = {req->pathv[0], req->pathv[1]};

	return rd_req_db_json(req, &rd_dbfeature_flag_show, params);
}

enum rd_err feature_flag_update(struct rd_req *req)
{
	struct acct_param state;
	const char *params[4];
	enum rd_err e;

	if ((e = acct_param(req, NULL, "state", &state)) != RD_OK)
		return e;
	params[0] = req->pathv[0];
	params[1] = req->pathv[1];
	params[2] = state.s;
	params[3] = "false";
	return rd_req_db_json(req, &rd_dbfeature_flag_write, params);
}

enum rd_err feature_flag_delete(struct rd_req *req)
{
	const char *params[4] = {req->pathv[0], req->pathv[1], NULL, "true"};

	return rd_req_db_json(req, &rd_dbfeature_flag_write, params);
}
