"""GET /metrics: Prometheus text aggregated over every worker through shared memory, served on nginx's
loopback-only metrics listener and not on the public one."""
import os
import re
import signal
import urllib.request

from fcgi_client import fcgi_request
from harness import wait_until
from test_rolling_restart import Server, children


def parse(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, value = line.rsplit(" ", 1)
        out[name] = float(value)
    return out


def scrape(addr):
    status, headers, body = fcgi_request(addr, "GET", "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4"), (status, headers)
    return parse(body.decode())


SELF_OK = 'rolesd_requests_total{method="GET",route="/api/v1/users/self",status="200"}'


def test_counters_cover_every_worker_and_restarts(stack):
    s = Server(stack, "metrics", workers=2)
    try:
        s.start()
        auth = {"HTTP_AUTHORIZATION": "Bearer " + stack.demo.token}
        for _ in range(10):
            assert fcgi_request(s.addr, "GET", "/api/v1/users/self", headers=auth)[0] == 200
        fcgi_request(s.addr, "GET", "/no/such/path")
        m = scrape(s.addr)
        # every request counted once whichever worker served it (a per-process counter would show a part)
        assert m[SELF_OK] == 10, m
        assert m['rolesd_requests_total{method="",route="none",status="404"}'] == 1
        assert m['rolesd_request_duration_seconds_bucket{le="+Inf"}'] >= 12
        assert m["rolesd_request_duration_seconds_count"] == m['rolesd_request_duration_seconds_bucket{le="+Inf"}']
        assert m["rolesd_db_duration_seconds_sum"] > 0
        assert m["rolesd_db_connects_total"] >= 1
        assert m['rolesd_workers{state="busy"}'] + m['rolesd_workers{state="idle"}'] == 2
        assert m["rolesd_worker_restarts_total"] == 0 and m["rolesd_draining"] == 0
        victim = children(s.proc.pid)[0]
        os.kill(victim, signal.SIGKILL)
        assert wait_until(lambda: len(children(s.proc.pid)) == 2 and victim not in children(s.proc.pid))
        assert wait_until(lambda: scrape(s.addr)["rolesd_worker_restarts_total"] == 1)
        m = scrape(s.addr)
        assert m[SELF_OK] == 10  # the dead worker's counts survive it
        assert m['rolesd_workers{state="busy"}'] + m['rolesd_workers{state="idle"}'] == 2
    finally:
        s.kill()


def test_metrics_only_on_the_local_listener(stack):
    r = stack.client("localhost").get("/metrics")
    assert r.status == 404, r
    with urllib.request.urlopen(os.environ["ROLESD_METRICS_URL"], timeout=10) as resp:
        text = resp.read().decode()
        assert resp.headers["Content-Type"].startswith("text/plain")
    assert re.search(r'^rolesd_requests_total\{method="GET",route="/readyz",status="200"\} \d+$', text, re.M), text
    assert "# TYPE rolesd_request_duration_seconds histogram" in text
