#include "api2_util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "../../db/db.h"
#include "../buf.h"
#include "../paginate.h"
#include "../request.h"

#define API2_MAX_PARAMS 8

char *api2_params_text(const struct rd_req *req)
{
	char *s;

	if (req->params == NULL)
		s = json_dumps(json_object(), JSON_COMPACT);
	else
		s = json_dumps(req->params, JSON_COMPACT | JSON_ENCODE_ANY);
	if (s == NULL)
		abort();
	return s;
}

enum rd_err api2_answer_list(struct rd_req *req, struct rd_stmt *stmt, const char *const *params, int nparams,
			     const char *path)
{
	const char *all[API2_MAX_PARAMS];
	struct rd_page pg;
	struct rd_res *res = NULL;
	struct rd_buf body = {0};
	json_t *links = NULL;
	char *links_text = NULL, page[24], per_page[24];
	enum rd_err e;
	int i;

	if (nparams < 2 || nparams > API2_MAX_PARAMS)
		return RD_ERR_INTERNAL;
	if ((e = rd_page_api2(req, &pg)) != RD_OK)
		return e;
	snprintf(page, sizeof page, "%lld", pg.page);
	snprintf(per_page, sizeof per_page, "%lld", pg.per_page);
	for (i = 0; i < nparams - 2; i++)
		all[i] = params[i];
	all[nparams - 2] = page;
	all[nparams - 1] = per_page;
	e = rd_req_db(req, stmt, all, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 1)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	links = rd_page_api2_links(req, path, &pg, rd_res_int(res, 0, 0));
	links_text = json_dumps(links, JSON_COMPACT);
	if (links_text == NULL)
		abort();
	rd_buf_puts(&body, "{\"items\":");
	rd_buf_append(&body, rd_res_value(res, 0, 1), (size_t)rd_res_len(res, 0, 1));
	rd_buf_puts(&body, ",\"links\":");
	rd_buf_puts(&body, links_text);
	rd_buf_puts(&body, "}");
	rd_req_body_text(req, body.p, body.len);
out:
	rd_buf_free(&body);
	free(links_text);
	json_decref(links);
	rd_res_free(res);
	return e;
}

enum rd_err api2_answer_created(struct rd_req *req, struct rd_stmt *stmt, const char *const *params,
				const char *path)
{
	struct rd_res *res = NULL;
	struct rd_buf location = {0};
	enum rd_err e;

	e = rd_req_db(req, stmt, params, &res);
	if (e != RD_OK)
		goto out;
	if (rd_res_nrows(res) != 1 || rd_res_isnull(res, 0, 1)) {
		e = RD_ERR_INTERNAL;
		goto out;
	}
	rd_buf_printf(&location, "%s/%lld", path, rd_res_int(res, 0, 0));
	rd_req_header(req, "Location", location.p);
	rd_req_body_text(req, rd_res_value(res, 0, 1), (size_t)rd_res_len(res, 0, 1));
out:
	rd_buf_free(&location);
	rd_res_free(res);
	return e;
}

enum rd_err api2_answer_deleted(struct rd_req *req, struct rd_stmt *stmt, const char *const *params)
{
	enum rd_err e;

	e = rd_req_db(req, stmt, params, NULL);
	if (e == RD_OK)
		req->status = 204;
	return e;
}
