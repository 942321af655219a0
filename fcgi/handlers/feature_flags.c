/*
 * Feature Flags API (Canvas' /api/v1/accounts/:account_id/features...): the permission conditions that are
 * feature flags, switched per tenant on the root account. Existence, permissions, states and the JSON are
 * the SQL functions' (migrations/functions/25_conditions.sql); this only passes the captures and `state`.
 */
#include "feature_flags.h"

#include "../../db/feature_flags.h"
#include "../request.h"
#include "../router.h"
#include "accounts_util.h"

enum rd_err features_list(struct rd_req *req)
{
	const char *params[1] = {req->pathv[0]};

	return rd_req_db_json(req, &rd_dbfeatures_list, params);
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
