"""Overload: a request that waited in the queue past ROLESD_QUEUE_TIMEOUT_MS is shed at once with 503 and
Retry-After (no database work), counted in /metrics, and logged on a rate-limited line, not one per request.
Behaviour only; `make bench-overload` measures goodput."""
import json
import subprocess
import threading
import time

from fcgi_client import fcgi_request
from test_metrics import scrape
from test_rolling_restart import Server, start_nginx
import harness


def call(s, token, start):
    return fcgi_request(s.addr, "GET", "/api/v1/users/self",
                        headers={"HTTP_AUTHORIZATION": "Bearer " + token, "REQUEST_START": "%.3f" % start})


def test_stale_requests_are_shed_with_retry_after_and_one_log_line(stack):
    s = Server(stack, "shed", ROLESD_QUEUE_TIMEOUT_MS=500)
    with open(s.log, "w"):  # this run's lines only (the stack directory outlives a run)
        pass
    try:
        s.start()
        token = stack.demo.token
        st, hdrs, body = call(s, token, time.time())
        assert st == 200
        t0 = time.time()
        for _ in range(50):
            st, hdrs, body = call(s, token, time.time() - 5)  # waited 5 s in a queue
            assert st == 503 and hdrs.get("retry-after") == "1", (st, hdrs)
            assert "errors" in json.loads(body)  # the Canvas error shape of the route
        elapsed = time.time() - t0
        # clocks that disagree are not a queue: never shed on them
        assert call(s, token, time.time() + 30)[0] == 200
        assert call(s, token, time.time() - 3600)[0] == 200
        assert scrape(s.addr)["rolesd_shed_total"] == 50
        assert s.stop() == 0
        with open(s.log) as f:
            lines = [l for l in f if "over capacity" in l]
        assert 1 <= len(lines) <= int(elapsed) + 2, lines
        assert sum(int(json.loads(l)["msg"].split("shed ")[1].split()[0]) for l in lines) <= 50
    finally:
        s.kill()


def test_health_and_metrics_are_answered_however_long_they_waited(stack):
    """Past capacity the operator's endpoints still answer: /metrics (which counts the shedding) and the
    liveness probe /healthz cost no database work, and a 503 there would hide the overload from the scraper
    or get a busy but healthy host restarted."""
    s = Server(stack, "shed-sys", ROLESD_QUEUE_TIMEOUT_MS=500)
    try:
        s.start()
        stale = {"REQUEST_START": "%.3f" % (time.time() - 5)}
        assert fcgi_request(s.addr, "GET", "/healthz", headers=stale)[0] == 200
        st, _, body = fcgi_request(s.addr, "GET", "/metrics", headers=stale)
        assert st == 200 and b"rolesd_shed_total" in body, (st, body[:200])
    finally:
        s.kill()


def test_past_capacity_the_rest_is_shed_fast_not_502(stack):
    """One worker, a request stuck on a lock for a second, twenty more queued behind it through nginx:
    the stuck one succeeds, the queued ones that waited past the timeout get 503 + Retry-After at once."""
    s = Server(stack, "cap", workers=1, ROLESD_QUEUE_TIMEOUT_MS=200)
    nginx = None
    try:
        s.start()
        nginx, url, _ = start_nginx(stack, [s])
        client = harness.Client(url, "localhost", stack.demo.token)
        lock = subprocess.Popen(["psql", "-X", "-q", "-d", "rolesd", "-c",
                                 "BEGIN; LOCK TABLE access_tokens IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(1); COMMIT;"],
                                stdout=subprocess.DEVNULL)
        time.sleep(0.3)
        results = []

        def one():
            r = client.get("/api/v1/users/self")
            results.append((r.status, r.header("Retry-After")))

        threads = [threading.Thread(target=one) for _ in range(20)]
        for th in threads:
            th.start()
            time.sleep(0.01)
        for th in threads:
            th.join(30)
        lock.wait(10)
        statuses = sorted(st for st, _ in results)
        assert len(results) == 20 and set(statuses) <= {200, 503}, statuses
        assert statuses.count(200) >= 1 and statuses.count(503) >= 10, statuses
        assert all(ra == "1" for st, ra in results if st == 503)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        s.kill()
