#include "system.h"

#include <string.h>

#include "../../db/system.h"
#include "../buf.h"
#include "../metrics.h"
#include "../request.h"
#include "../shm.h"

enum rd_err system_healthz(struct rd_req *req)
{
	rd_req_body_text(req, "{\"status\":\"ok\"}", strlen("{\"status\":\"ok\"}"));
	return RD_OK;
}

enum rd_err system_readyz(struct rd_req *req)
{
	struct rd_dberr err;

	/* a draining server is alive but must not be chosen: load balancers stop sending at once */
	if (rd_shm_draining())
		return rd_req_fail(req, RD_ERR_UNAVAILABLE, "draining");
	if (rd_dbsys_ping(req->db, &err) != RD_OK)
		return RD_ERR_UNAVAILABLE;
	rd_req_body_text(req, "{\"status\":\"ready\"}", strlen("{\"status\":\"ready\"}"));
	return RD_OK;
}

enum rd_err system_metrics(struct rd_req *req)
{
	struct rd_buf b = {0};

	rd_metrics_render(&b);
	rd_req_body_text(req, b.p ? b.p : "", b.len);
	rd_buf_free(&b);
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return RD_OK;
}
