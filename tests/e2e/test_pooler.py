"""Behind a transaction pooler: rolesd keeps no session state and, with ROLESD_DB_PREPARED=0 or auto, sends
no named prepared statement PgBouncer 1.18 would lose between server connections. These run in the
second e2e pass of `make test` (ROLESD_POOLER=pgbouncer in the stack's env) and are skipped in the first."""
import os
import signal
import subprocess
import threading
import time

import pytest

from fcgi_client import fcgi_request

POOLER = os.environ.get("ROLESD_POOLER") == "pgbouncer"
needs_pooler = pytest.mark.skipif(not POOLER, reason="needs the stack behind PgBouncer (ROLESD_POOLER=pgbouncer)")


def bouncer_xacts(stack):
    with open(os.path.join(stack.dir, "bouncerport")) as f:
        port = f.read().strip()
    out = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-h", "127.0.0.1", "-p", port, "-U", "postgres",
                          "-d", "pgbouncer", "-c", "SHOW STATS"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        cols = line.split("\t")
        if cols[0] == "rolesd":
            return int(cols[1])
    return 0


@needs_pooler
def test_requests_go_through_pgbouncer(stack):
    before = bouncer_xacts(stack)
    for _ in range(20):
        r = stack.demo.admin.get("/api/v1/users/self")
        assert r.status == 200, r
    assert bouncer_xacts(stack) - before >= 20


def run_server(stack, mode, name):
    sock = os.path.join(stack.dir, "run", name + ".sock")
    env = dict(os.environ, ROLESD_LISTEN="unix:" + sock, ROLESD_WORKERS="2", ROLESD_DB_PREPARED=mode)
    log = open(os.path.join(stack.dir, "log", name + ".log"), "w+")
    p = subprocess.Popen([stack.rolesd, "serve"], env=env, stderr=log)
    end = time.time() + 10
    while not os.path.exists(sock) and time.time() < end:
        time.sleep(0.05)
    return p, "unix:" + sock, log


@needs_pooler
@pytest.mark.parametrize("mode", ["auto", "0"])
def test_concurrent_requests_through_pgbouncer_never_fail(stack, mode):
    """ROLESD_DB_PREPARED=1 here answers 500s (42P05/26000); auto switches to unnamed statements at the first
    sign and retries the call, 0 never prepares."""
    p, addr, log = run_server(stack, mode, "pooler-" + mode)
    token = stack.demo.token
    statuses = []
    lock = threading.Lock()

    def client():
        for _ in range(25):
            st, _, body = fcgi_request(addr, "GET", "/api/v1/users/self",
                                       headers={"HTTP_AUTHORIZATION": "Bearer " + token})
            with lock:
                statuses.append(st)

    try:
        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(10)
    log.seek(0)
    text = log.read()
    log.close()
    assert statuses == [200] * 100, (sorted(set(statuses)), text[-2000:])
    if mode == "0":
        assert "unnamed statements" not in text
