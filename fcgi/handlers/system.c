#include "system.h"

#include <string.h>

#include "../../db/system.h"
#include "../request.h"

enum rd_err system_healthz(struct rd_req *req)
{
	rd_req_body_text(req, "{\"status\":\"ok\"}", strlen("{\"status\":\"ok\"}"));
	return RD_OK;
}

enum rd_err system_readyz(struct rd_req *req)
{
	struct rd_dberr err;

	if (rd_dbsys_ping(req->db, &err) != RD_OK)
		return RD_ERR_UNAVAILABLE;
	rd_req_body_text(req, "{\"status\":\"ready\"}", strlen("{\"status\":\"ready\"}"));
	return RD_OK;
}
