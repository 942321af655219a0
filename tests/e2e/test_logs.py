"""Logs: rolesd writes whole JSON lines (also under concurrent database errors, and at start-up), a
well-formed incoming X-Request-Id is kept end to end, and no token reaches any log, nginx's error log
included, on a 413, a 414, a 502 and a worker killed mid-request."""
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import uuid

import harness
from fcgi_client import fcgi_request
from harness import wait_until
from test_rolling_restart import Server, children


def json_lines(path):
    with open(path) as f:
        lines = f.read().splitlines()
    for line in lines:
        json.loads(line)  # raises on a spliced or partial line
    return lines


def test_lines_stay_whole_under_concurrent_database_errors(stack):
    # a database nobody listens on: every request is a 503 and a database error line
    s = Server(stack, "deadb", workers=4, DATABASE_URL="host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2")
    with open(s.log, "w"):
        pass
    try:
        with open(s.log, "a") as log:
            s.proc = subprocess.Popen([stack.rolesd, "serve"], env=s.env, stderr=log)
        assert wait_until(lambda: os.path.exists(s.sock))

        def hammer():
            for _ in range(40):
                fcgi_request(s.addr, "GET", "/api/v1/users/self", headers={"REQUEST_ID": "x" * 64})

        threads = [threading.Thread(target=hammer) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert s.stop() == 0
    finally:
        s.kill()
    lines = json_lines(s.log)
    assert sum('"database error' in line or "database error" in json.loads(line).get("msg", "")
               for line in lines) >= 100, lines[:5]
    assert json.loads(lines[0]).get("msg", "").startswith("listening on"), lines[0]
    assert json.loads(lines[-1]).get("msg") == "stopped", lines[-1]


def test_start_up_failures_are_json_lines(stack):
    """A listen address that cannot be used is reported by rolesd as a JSON line with the reason and exit
    status 1 (libfcgi's own FCGX_OpenSocket printed perror text and exited with errno)."""
    busy = stack.url.rsplit(":", 1)[1]  # nginx holds this port
    for listen in ["unix:/nonexistent-dir/x.sock", "127.0.0.1:" + busy, "no-such-host.invalid:9000"]:
        env = dict(os.environ, ROLESD_LISTEN=listen, ROLESD_WORKERS="1")
        p = subprocess.run([stack.rolesd, "serve"], env=env, capture_output=True, text=True, timeout=30)
        assert p.returncode == 1, (listen, p.returncode, p.stderr)
        lines = p.stderr.splitlines()
        assert lines, listen
        for line in lines:
            assert isinstance(json.loads(line), dict), (listen, line)
        assert any("cannot listen on " + listen in json.loads(x)["msg"] for x in lines), (listen, lines)


def test_incoming_request_id_is_kept_when_well_formed(stack):
    c = stack.demo.admin
    rid = "trace-" + uuid.uuid4().hex
    r = c.get("/api/v1/users/self", headers={"X-Request-Id": rid})
    assert r.status == 200 and r.header("X-Request-Id") == rid, r.headers
    for bad in ("has space", "x" * 65, "semi;colon", ""):
        r = c.get("/api/v1/users/self", headers={"X-Request-Id": bad})
        got = r.header("X-Request-Id")
        assert got != bad and len(got) == 32, (bad, got)
    time.sleep(0.2)
    with open(os.path.join(stack.dir, "log", "rolesd.log")) as f:
        assert '"request_id":"%s"' % rid in f.read()
    with open(os.path.join(stack.dir, "log", "access.log")) as f:
        assert '"request_id":"%s"' % rid in f.read()


def start_stack_nginx(stack, upstream):
    """nginx from the stack's own template (nginx/rolesd.conf.in), pointed at another upstream."""
    d = os.path.join(stack.dir, "lognginx-" + uuid.uuid4().hex[:6])
    for sub in ("nginx/extra", "run", "log"):
        os.makedirs(os.path.join(d, sub))
    port, mport = [subprocess.run([os.path.join(harness.ROOT, "tests", "stack.sh"), "port"], capture_output=True,
                                  text=True, check=True).stdout.strip() for _ in range(2)]
    with open(os.path.join(harness.ROOT, "nginx", "rolesd.conf.in")) as f:
        conf = f.read()
    user = subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    for k, v in {"@DIR@": d, "@ROOT@": harness.ROOT, "@PORT@": port, "@USER@": user, "@NGINX_WORKERS@": "1",
                 "@ACCESS_LOG@": os.path.join(d, "log", "access.log") + " rolesd_json",
                 "@UPSTREAM@": upstream, "@METRICS_PORT@": mport}.items():
        conf = conf.replace(k, v)
    with open(os.path.join(d, "nginx", "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen(["nginx", "-p", os.path.join(d, "nginx"), "-c", os.path.join(d, "nginx", "nginx.conf"),
                          "-e", os.path.join(d, "log", "nginx-error.log")], stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%s" % port
    assert wait_until(lambda: subprocess.run(["curl", "-fs", url + "/nginx-constant"],
                                             capture_output=True).returncode == 0)
    return p, url, d


def raw(url, method, path, body=None, headers=None):
    u = url.split("//", 1)[1]
    conn = http.client.HTTPConnection(u, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        return conn.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        return 0
    finally:
        conn.close()


def test_no_token_in_any_log_on_413_414_502_and_worker_kill(stack):
    token = stack.demo.token
    q = "?access_token=" + token
    s = Server(stack, "logs", workers=1)
    nginx = None
    try:
        s.start()
        nginx, url, d = start_stack_nginx(stack, s.addr)
        hdr = {"Host": "localhost"}
        assert raw(url, "GET", "/api/v1/users/self" + q, headers=hdr) == 200
        assert raw(url, "POST", "/api/v1/accounts/self/roles" + q, body=b"x" * (2 << 20),
                   headers=dict(hdr, **{"Content-Type": "application/x-www-form-urlencoded"})) == 413
        assert raw(url, "GET", "/api/v1/users/self" + q + "&pad=" + "p" * 20000, headers=hdr) == 414

        # a worker killed while it waits on the database: nginx answers 502
        lock = subprocess.Popen(["psql", "-X", "-q", "-d", "rolesd", "-c",
                                 "BEGIN; LOCK TABLE access_tokens IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3); COMMIT;"],
                                stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        result = []
        th = threading.Thread(target=lambda: result.append(raw(url, "GET", "/api/v1/users/self" + q, headers=hdr)))
        th.start()
        time.sleep(0.5)
        for w in children(s.proc.pid):
            os.kill(w, signal.SIGKILL)
        th.join(30)
        lock.wait(10)
        assert result == [502], result

        # nobody listening: 502 again
        assert s.stop() == 0
        assert raw(url, "GET", "/api/v1/users/self" + q, headers=hdr) == 502
        time.sleep(0.3)
        logs = [os.path.join(d, "log", f) for f in os.listdir(os.path.join(d, "log"))] + [s.log]
        assert any(os.path.getsize(p) > 0 for p in logs)
        for p in logs:
            with open(p, errors="replace") as f:
                assert token not in f.read(), p
        with open(os.path.join(d, "log", "access.log")) as f:
            statuses = [json.loads(line)["status"] for line in f]
        assert {413, 414, 502} <= set(statuses), statuses
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        s.kill()
