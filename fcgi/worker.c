/*
 * One worker process: accept a FastCGI request, turn it into a struct rd_req, route, parse parameters,
 * authenticate, run the handler, write the answer, log one line, forget everything but the connection.
 */
#define _GNU_SOURCE
#include "worker.h"

#include <ctype.h>
#include <fcgiapp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../db/system.h"
#include "auth.h"
#include "buf.h"
#include "canvas_json.h"
#include "host.h"
#include "idempotency.h"
#include "params.h"
#include "request.h"
#include "log.h"
#include "metrics.h"
#include "router.h"
#include "shm.h"

#define POLL_MS 200       /* how soon an idle worker notices a stop request */
#define DRAIN_QUIET_MS 100 /* a draining worker leaves once the queue has stayed empty this long */

static volatile sig_atomic_t stop_requested;

/* SIGUSR1, the supervisor's "retire" (and the signal a worker gets if its supervisor dies): only a flag,
 * the request in progress finishes undisturbed (SA_RESTART), the loop looks at it. */
static void on_term(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/*
 * Waits until a connection is queued on the (non-blocking) listening socket, then accepts it. Returns 1
 * with a request, 0 after timeout_ms with none or when another worker won the race or a signal came.
 */
static int queued(int listen_fd)
{
	struct pollfd p = {.fd = listen_fd, .events = POLLIN};

	return poll(&p, 1, 0) > 0;
}

/*
 * SIGUSR1 is blocked except inside this ppoll(): a stop request is only ever delivered while
 * the worker waits, never while it accepts (libfcgi closes a unix connection whose first select() is
 * interrupted, which nginx sees as a reset: a 502) or serves.
 */
static sigset_t wait_mask;

static int next_request(FCGX_Request *fr, int listen_fd, int timeout_ms)
{
	struct pollfd p = {.fd = listen_fd, .events = POLLIN};
	struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};

	if (ppoll(&p, 1, &ts, &wait_mask) <= 0)
		return 0;
	return FCGX_Accept_r(fr) >= 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *dup_or_empty(const char *s)
{
	char *d = strdup(s ? s : "");
	if (d == NULL)
		abort();
	return d;
}

/* Reads the body (up to max bytes). Returns 0, or -1 if it is larger than max. */
static int read_body(FCGX_Request *fr, size_t max, char **body, size_t *len)
{
	const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	unsigned long long want = cl && cl[0] ? strtoull(cl, NULL, 10) : 0;
	struct rd_buf b = {0};
	char chunk[8192];
	int n;

	*body = NULL;
	*len = 0;
	if (want > max)
		return -1;
	while ((n = FCGX_GetStr(chunk, sizeof chunk, fr->in)) > 0) {
		if (b.len + (size_t)n > max) {
			rd_buf_free(&b);
			return -1;
		}
		rd_buf_append(&b, chunk, (size_t)n);
	}
	*len = b.len;
	*body = rd_buf_take(&b);
	return 0;
}

static enum rd_err params_err(struct rd_req *req, enum rd_params_status st, const struct rd_params_error *perr)
{
	switch (st) {
	case RD_PARAMS_OK:
		return RD_OK;
	case RD_PARAMS_TOO_LARGE:
		return rd_req_fail(req, RD_ERR_TOO_LARGE, "%s", perr->message[0] ? perr->message : "request body too large");
	case RD_PARAMS_UNSUPPORTED:
		return RD_ERR_UNSUPPORTED;
	case RD_PARAMS_TOO_MANY:
	case RD_PARAMS_BAD:
	default:
		return rd_req_fail(req, RD_ERR_BAD_REQUEST, "%s", perr->message[0] ? perr->message : "malformed parameters");
	}
}

/*
 * The body's media type. api2 is JSON in and JSON out: a JSON object sent without a type, or with curl -d's
 * form type, is read as JSON there (a form body cannot begin with '{'). Canvas keeps Rails' reading.
 */
static const char *body_type(const struct rd_req *req, const char *ct, const char *body, size_t n)
{
	size_t i = 0;

	if (req->surface != RD_SURFACE_API2)
		return ct;
	if (ct != NULL && ct[0] != '\0' && strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return ct;
	while (i < n && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	return i < n && body[i] == '{' ? "application/json" : ct;
}

/* Whether Rack reads a POST body of this type into req.POST (form_data? / parseable_data?). */
static int rack_form_type(const char *ct)
{
	static const char *const forms[] = {"application/x-www-form-urlencoded", "multipart/form-data",
					    "multipart/related", "multipart/mixed"};
	size_t i, n;

	if (ct == NULL || ct[0] == '\0')
		return 1;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		n = strlen(forms[i]);
		if (strncasecmp(ct, forms[i], n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
			return 1;
	}
	return 0;
}

/*
 * Rack::MethodOverride, which Canvas keeps in its middleware: a POST whose form body has _method, or else an
 * X-HTTP-Method-Override header, naming an HTTP method (any case) is routed as that method. form: the body's
 * own parameters when Rack reads them, else NULL. Returns the method, or NULL to keep POST. (HEAD is routed
 * as GET, as a HEAD request is.)
 */
static const char *method_override(const json_t *form, const char *header)
{
	static const char *const methods[] = {"GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "PATCH",
					      "LINK", "UNLINK"};
	const json_t *v = form != NULL ? json_object_get(form, "_method") : NULL;
	const char *m;
	size_t i;

	if (v != NULL && !json_is_null(v)) /* req.POST["_method"] || the header: the parameter alone decides */
		m = json_is_string(v) ? json_string_value(v) : NULL;
	else
		m = header;
	if (m == NULL)
		return NULL;
	for (i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcasecmp(m, methods[i]) == 0)
			return strcmp(methods[i], "HEAD") == 0 ? "GET" : methods[i];
	return NULL;
}

/*
 * A request refused before its handler (a wrong method, a malformed body, parameters or Idempotency-Key) is
 * still answered 404 for an unknown host and 401 for a bad token first: canvas-roles.md 2.1, a bad token
 * "fails before anything else". Only this rare path pays the extra statement.
 */
static enum rd_err refuse(struct rd_req *req, enum rd_err pe)
{
	char msg[sizeof req->err_message];
	enum rd_err ae;

	if (req->surface == RD_SURFACE_SYSTEM)
		return pe;
	memcpy(msg, req->err_message, sizeof msg);
	ae = rd_req_db(req, &rd_dbsys_noop, NULL, NULL);
	if (ae == RD_ERR_UNKNOWN_HOST || ae == RD_ERR_INVALID_TOKEN)
		return ae;
	memcpy(req->err_message, msg, sizeof msg);
	return pe;
}

/* Everything up to the handler; returns the first error. */
static enum rd_err prepare(struct rd_req *req, FCGX_Request *fr, const struct rd_config *cfg)
{
	const char *uri = FCGX_GetParam("REQUEST_URI", fr->envp);
	const char *q;
	struct rd_params_limits lim = rd_params_default_limits;
	struct rd_params_error perr;
	enum rd_params_status st;
	enum rd_err e;
	char *body = NULL, *idem;
	size_t body_len = 0;
	const char *override_header = FCGX_GetParam("HTTP_X_HTTP_METHOD_OVERRIDE", fr->envp);
	const char *override = NULL;

	memset(&perr, 0, sizeof perr);
	if (uri == NULL)
		uri = "/";
	q = strchr(uri, '?');
	req->path = q ? strndup(uri, (size_t)(q - uri)) : dup_or_empty(uri);
	if (req->path == NULL)
		abort();
	req->query = dup_or_empty(q ? q + 1 : "");

	e = rd_router_match(rd_routes, req);
	if (req->host_malformed)
		return rd_req_fail(req, RD_ERR_BAD_REQUEST, "malformed Host header");
	if (req->host_mismatch)
		return rd_req_fail(req, RD_ERR_BAD_REQUEST, "Host header does not match the request target");
	/* RD_ERR_NOT_FOUND: a route's path whose id does not decode, refused below after the host and token */
	if (e != RD_OK && e != RD_ERR_METHOD && e != RD_ERR_NOT_FOUND)
		return e;

	req->params = json_object();
	lim.max_body = cfg->max_body;
	st = rd_params_parse_query(req->params, req->query, strlen(req->query), &lim, &perr);
	if (st == RD_PARAMS_OK) {
		if (read_body(fr, cfg->max_body, &body, &body_len) != 0)
			st = RD_PARAMS_TOO_LARGE;
		else if (body_len > 0 && req->surface == RD_SURFACE_CANVAS) {
			/* Rails' params are request_parameters.merge(query_parameters): body and query string are
			 * parsed apart, and a top-level key of the query string replaces the body's whole value */
			const char *ct = FCGX_GetParam("CONTENT_TYPE", fr->envp);
			json_t *merged = json_object();
			st = rd_params_parse_body(merged, body_type(req, ct, body, body_len), body, body_len, &lim, &perr);
			if (st == RD_PARAMS_OK && strcmp(req->method, "POST") == 0)
				override = method_override(rack_form_type(ct) ? merged : NULL, override_header);
			if (merged == NULL || json_object_update(merged, req->params) != 0)
				abort();
			json_decref(req->params);
			req->params = merged;
		} else if (body_len > 0)
			st = rd_params_parse_body(req->params,
						  body_type(req, FCGX_GetParam("CONTENT_TYPE", fr->envp), body, body_len),
						  body, body_len, &lim, &perr);
		idem = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", fr->envp);
		if (idem != NULL && idem[0] != '\0') {
			/* what "the same request" means for Idempotency-Key: method, path, query, body */
			struct rd_buf fp = {0};
			rd_buf_printf(&fp, "%s\n%s\n%s\n", req->method, req->path, req->query);
			rd_buf_append(&fp, body ? body : "", body_len);
			rd_auth_sha256_hex(fp.p, fp.len, req->idem_fp);
			rd_buf_free(&fp);
		}
		free(body);
	}
	if (st == RD_PARAMS_OK && req->surface == RD_SURFACE_CANVAS && strcmp(req->method, "POST") == 0) {
		if (body_len == 0)
			override = method_override(NULL, override_header);
		if (override != NULL && strcmp(override, "POST") != 0) {
			/* routed again as the method named: the first answer's captures and Allow header go */
			int i;
			for (i = 0; i < req->npathv; i++) {
				free(req->pathv[i]);
				req->pathv[i] = NULL;
			}
			req->npathv = 0;
			req->route = NULL;
			if (e == RD_ERR_METHOD && req->nheaders > 0 &&
			    strcmp(req->headers[req->nheaders - 1].name, "Allow") == 0) {
				req->nheaders--;
				free(req->headers[req->nheaders].name);
				free(req->headers[req->nheaders].value);
			}
			req->method = override;
			e = rd_router_match(rd_routes, req);
			if (e != RD_OK && e != RD_ERR_METHOD && e != RD_ERR_NOT_FOUND)
				return e;
		}
	}
	if (st == RD_PARAMS_OK && strcmp(req->method, "GET") != 0) {
		/* dry_run[]=1 or {"dry_run":{...}} reads as false: the client asked for a preview and the write
		 * would be made. A shape no boolean has is refused before anything runs. */
		json_t *dry = json_object_get(req->params, "dry_run");
		if (json_is_object(dry) || json_is_array(dry)) {
			snprintf(perr.message, sizeof perr.message, "invalid parameter 'dry_run': expected a boolean");
			st = RD_PARAMS_BAD;
		} else if (e == RD_OK && rd_req_dry_run(req) && !req->route->previews) {
			/* likewise a preview asked of a write that has none: the client must never get the write */
			snprintf(perr.message, sizeof perr.message,
				 "invalid parameter 'dry_run': this endpoint cannot preview a change");
			st = RD_PARAMS_BAD;
		}
	}
	if (st != RD_PARAMS_OK || e != RD_OK) {
		/* a wrong method is a 405 whatever its body, refused before the token is looked at (the router's
		 * answer, as Rails' router does); an undecodable id is the route's 404 after a bad token's 401 */
		enum rd_err pe = e != RD_OK ? e : params_err(req, st, &perr);

		req->ctx.token_hash = NULL;
		if (e != RD_ERR_METHOD &&
		    (rd_auth_from_request(req, FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp)) != 0 ||
		     req->token_hash[0] != '\0'))
			req->ctx.token_hash = req->token_hash;
		return refuse(req, pe);
	}
	if (rd_auth_from_request(req, FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp)) != 0 ||
	    req->token_hash[0] != '\0')
		req->ctx.token_hash = req->token_hash;
	return RD_OK;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static void respond(struct rd_req *req, FCGX_Request *fr)
{
	int status = req->status ? req->status : 200;
	char *text = NULL;
	const char *out = NULL;
	size_t out_len = 0;
	int i;

	if (req->body_text != NULL) {
		out = req->body_text;
		out_len = req->body_len;
	} else if (req->body != NULL) {
		text = json_dumps(req->body, JSON_COMPACT);
		if (text == NULL)
			abort();
		out = text;
		out_len = strlen(text);
	}
	FCGX_FPrintF(fr->out, "Status: %d %s\r\n", status, reason(status));
	if (status != 204)
		FCGX_FPrintF(fr->out, "Content-Type: %s\r\n",
			     req->content_type ? req->content_type : "application/json; charset=utf-8");
	for (i = 0; i < req->nheaders; i++)
		FCGX_FPrintF(fr->out, "%s: %s\r\n", req->headers[i].name, req->headers[i].value);
	FCGX_PutS("\r\n", fr->out);
	if (status != 204 && out != NULL && strcmp(req->method, "HEAD") != 0)
		FCGX_PutStr(out, (int)out_len, fr->out);
	free(text);
}

static void log_line(const struct rd_req *req, double t0)
{
	struct timespec wall;
	struct tm tm;
	char ts[32];

	clock_gettime(CLOCK_REALTIME, &wall);
	gmtime_r(&wall.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* route pattern, never the raw URL: no ids of other people, no query-string secrets.
	 * One write(2) per line: stderr is unbuffered, and concurrent workers must not interleave. */
	char line[1024];
	int n = snprintf(line, sizeof line,
		"{\"time\":\"%s\",\"request_id\":\"%s\",\"tenant_id\":%lld,\"user_id\":%lld,\"method\":\"%s\","
		"\"route\":\"%s\",\"status\":%d,\"error\":\"%s\",\"db_ms\":%.3f,\"total_ms\":%.3f}\n",
		ts, req->request_id ? req->request_id : "", req->ctx.tenant_id, req->ctx.user_id,
		req->method ? req->method : "", req->route ? req->route->pattern : "-",
		req->status ? req->status : 200, req->err ? rd_errors_name(req->err) : "", req->ctx.db_ms,
		now_ms() - t0);
	if (n > 0 && (size_t)n < sizeof line && write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to report it */
	}
}

static int valid_id_chars(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
	return 1;
}

/*
 * Load shedding. nginx stamps each request with the time it started ($msec in REQUEST_START); a request
 * that waited in the queue longer than queue_timeout_ms is answered 503 + Retry-After at once, without
 * touching the database: past capacity the queue stays bounded in time, the workers spend microseconds on
 * what they cannot serve in time and full effort on the rest. An age below zero or above a minute means
 * the clocks disagree, not a queue: never shed on it.
 */
static int overdue(FCGX_Request *fr, const struct rd_config *cfg, double *age)
{
	const char *start = FCGX_GetParam("REQUEST_START", fr->envp);
	struct timespec now;
	double age_ms;

	if (cfg->queue_timeout_ms <= 0 || start == NULL || start[0] == '\0')
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	age_ms = ((double)now.tv_sec + (double)now.tv_nsec / 1e9 - strtod(start, NULL)) * 1e3;
	*age = age_ms;
	return age_ms > cfg->queue_timeout_ms && age_ms < 60000;
}

/* The operator's endpoints (/healthz, /readyz, /metrics: the system rows of the route table) are never
 * shed: they cost next to nothing, and past capacity is when the scraper and the probes need an answer
 * (a shed /healthz gets a busy host restarted; a shed /metrics hides the shedding). */
static int never_shed(const char *uri)
{
	const struct rd_route *r;
	size_t n;

	if (uri == NULL)
		return 0;
	n = strcspn(uri, "?");
	for (r = rd_routes; r->method != NULL; r++)
		if (r->surface == RD_SURFACE_SYSTEM && strlen(r->pattern) == n && memcmp(r->pattern, uri, n) == 0)
			return 1;
	return 0;
}

/* One line a second for the whole host, however many requests are shed: the first worker to shed in a
 * new second writes it, with the count since the last line. */
static void shed_log(double age_ms)
{
	static unsigned long long logged;
	unsigned long long total;
	long long sec = (long long)time(NULL), last;

	if (rd_shm == NULL)
		return;
	last = __atomic_load_n(&rd_shm->shed_logged_at, __ATOMIC_RELAXED);
	if (last == sec || !__atomic_compare_exchange_n(&rd_shm->shed_logged_at, &last, sec, 0, __ATOMIC_RELAXED,
							__ATOMIC_RELAXED))
		return;
	total = __atomic_load_n(&rd_shm->metrics.shed, __ATOMIC_RELAXED);
	logged = __atomic_exchange_n(&rd_shm->shed_reported, total, __ATOMIC_RELAXED);
	rd_log("warning", "over capacity: shed %llu requests that waited over the queue timeout (503); this one %.0f ms",
	       total - logged, age_ms);
}

/* Stores the rendered answer with its Idempotency-Key and commits; if that fails nothing was written, and
 * the answer becomes the commit's error. */
static void finish_idempotent(struct rd_req *req)
{
	enum rd_err e;
	int i;

	if (req->body_text == NULL && req->body != NULL) {
		req->body_text = json_dumps(req->body, JSON_COMPACT);
		if (req->body_text == NULL)
			abort();
		req->body_len = strlen(req->body_text);
		json_decref(req->body);
		req->body = NULL;
	}
	e = rd_idem_end(req, req->idem_body != NULL && req->status < 300 ? req->idem_body : req->body_text);
	if (e == RD_OK)
		return;
	for (i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	req->nheaders = 0;
	rd_errors_render(req, e);
}

/*
 * Canvas' throttling contract (canvas-conventions.md): every API answer carries X-Request-Cost, a float, what
 * the request cost. Canvas counts CPU and database seconds; here it is the seconds the worker spent on the
 * request, which holds both. rolesd keeps no per-token bucket, so there is no X-Rate-Limit-Remaining (README,
 * "Deliberate differences").
 */
static void request_cost(struct rd_req *req, double t0)
{
	char v[32];

	snprintf(v, sizeof v, "%.6f", (now_ms() - t0) / 1e3);
	rd_req_header(req, "X-Request-Cost", v);
}

/* The answer with Canvas' string ids (rd_canvas_json_stringify_ids); a body that is not JSON is left alone. */
static void string_ids(struct rd_req *req)
{
	json_t *doc = req->body;
	char *text;

	if (req->body_text != NULL)
		doc = json_loadb(req->body_text, req->body_len, JSON_DECODE_ANY, NULL);
	else if (doc != NULL)
		json_incref(doc);
	if (doc == NULL)
		return;
	rd_canvas_json_stringify_ids(doc);
	text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(doc);
	if (text == NULL)
		abort();
	free(req->body_text);
	req->body_text = text;
	req->body_len = strlen(text);
}

static void serve_one(struct rd_req *req, FCGX_Request *fr, const struct rd_config *cfg, int slot)
{
	const char *method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
	const char *rid = FCGX_GetParam("REQUEST_ID", fr->envp);
	const char *scheme = FCGX_GetParam("REQUEST_SCHEME", fr->envp);
	double t0 = now_ms(), age_ms = 0;
	struct rd_host host;
	enum rd_err e;

	req->method = method ? method : "GET";
	if (strcmp(req->method, "HEAD") == 0)
		req->method = "GET";
	req->request_id = dup_or_empty(rid && strlen(rid) <= 64 && valid_id_chars(rid) ? rid : "");
	req->scheme = scheme && strcmp(scheme, "https") == 0 ? "https" : "http";
	rd_host_decide(&host, FCGX_GetParam("REQUEST_HOST", fr->envp), FCGX_GetParam("HTTP_HOST", fr->envp));
	req->host = host.host; /* the request owns both strings now */
	req->host_header = host.header;
	req->host_mismatch = host.mismatch;
	req->host_malformed = host.malformed;
	req->ctx.host = req->host;
	/* The database reads the request id only into the audit trail, which a GET never writes: a GET sends
	 * none, and authentication makes one setting less (9.6 k instructions of its 272 k). */
	req->ctx.request_id = req->request_id[0] != '\0' && strcmp(req->method, "GET") != 0 ? req->request_id : NULL;

	if (overdue(fr, cfg, &age_ms) && !never_shed(FCGX_GetParam("REQUEST_URI", fr->envp))) {
		const char *uri = FCGX_GetParam("REQUEST_URI", fr->envp);
		req->path = dup_or_empty(uri);
		req->path[strcspn(req->path, "?")] = '\0';
		req->query = dup_or_empty("");
		(void)rd_router_match(rd_routes, req); /* for the error's shape only */
		rd_metrics_add(&rd_shm->metrics.shed, 1);
		shed_log(age_ms);
		e = rd_req_fail(req, RD_ERR_UNAVAILABLE, "over capacity");
	} else {
		e = prepare(req, fr, cfg);
		if (e == RD_OK) {
			if (rd_idem_wanted(req, FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", fr->envp), &e)) {
				if (!rd_idem_start(req, cfg->idempotency_ttl, &e))
					e = req->route->handler(req);
			} else if (e == RD_OK) {
				e = req->route->handler(req);
			} else {
				e = refuse(req, e); /* a malformed Idempotency-Key */
			}
		}
	}
	if (e != RD_OK)
		rd_errors_render(req, e);
	if (req->idem_active)
		finish_idempotent(req);
	if (req->surface == RD_SURFACE_CANVAS &&
	    rd_canvas_json_wants_string_ids(FCGX_GetParam("HTTP_ACCEPT", fr->envp)))
		string_ids(req);
	if (req->surface == RD_SURFACE_CANVAS)
		request_cost(req, t0);
	req->method = method ? method : "GET";
	respond(req, fr);
	rd_metrics_observe(req->route ? (int)(req->route - rd_routes) : -1, req->status ? req->status : 200,
			   now_ms() - t0, req->ctx.db_ms);
	if (cfg->log_requests)
		log_line(req, t0);
}

int rd_worker_run(int listen_fd, const struct rd_config *cfg, int slot)
{
	unsigned connects = 0;
	int pid = (int)getpid();
	struct sigaction sa;
	FCGX_Request fr;
	struct rd_req req;

	/*
	 * Workers are the supervisor's to stop: SIGTERM, SIGINT and SIGHUP sent to the whole process group
	 * (systemd's KillMode=control-group, Ctrl-C, a closed terminal) reach the supervisor too, which drains
	 * or recycles; here they are ignored, or a worker would leave in the middle of the drain delay. The
	 * supervisor says "retire" with SIGUSR1, and so does the kernel if the supervisor dies.
	 */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	{
		sigset_t stop;
		sigemptyset(&stop);
		sigaddset(&stop, SIGUSR1);
		sigprocmask(SIG_BLOCK, &stop, &wait_mask);
		sigdelset(&wait_mask, SIGUSR1);
	}
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) != 0 || (rd_shm != NULL && getppid() != rd_shm->supervisor))
		stop_requested = 1; /* the supervisor is already gone */
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stderr, NULL, _IOLBF, 0);

	memset(&req, 0, sizeof req);
	req.db = rd_db_create(cfg->database_url, cfg->db_prepared);
	if (req.db == NULL)
		return 1;
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0)
		return 1;
	rd_metrics_worker_state(slot, pid, 0, 0);
	/*
	 * SIGUSR1 alone (SIGHUP recycle, or the supervisor died): stop after the request in hand; a new worker
	 * already shares the socket. While the server drains, it changes nothing: for the drain delay new
	 * connections still arrive, and the host keeps serving them. Once the supervisor closes the socket to
	 * new connections (closing), answer every connection still queued, until the queue has stayed empty
	 * for DRAIN_QUIET_MS, and leave.
	 */
	for (;;) {
		int closing = rd_shm_closing();
		if (closing) /* also when the signal came before this process had its handler */
			stop_requested = 1;
		if (stop_requested && !closing && !rd_shm_draining())
			break;
		if (!next_request(&fr, listen_fd, closing ? DRAIN_QUIET_MS : POLL_MS)) {
			if (closing && !queued(listen_fd))
				break;
			continue;
		}
		rd_metrics_worker_state(slot, pid, 1, rd_db_connected(req.db));
		serve_one(&req, &fr, cfg, slot);
		FCGX_Finish_r(&fr);
		rd_req_reset(&req);
		rd_metrics_worker_state(slot, pid, 0, rd_db_connected(req.db));
		if (rd_db_connects(req.db) != connects) {
			rd_metrics_add(&rd_shm->metrics.db_connects, rd_db_connects(req.db) - connects);
			connects = rd_db_connects(req.db);
		}
	}
	rd_metrics_worker_gone(slot, pid);
	rd_db_free(req.db);
	return 0;
}
