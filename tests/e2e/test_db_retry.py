"""A statement whose answer was lost is never sent again: it may have committed. rolesd reconnects and
retries only what never reached the server (a connection found dead while idle, e.g. after a database
restart); a lost answer is a 503 with Retry-After, and Idempotency-Key is how a client retries safely.

A proxy between rolesd and PostgreSQL drops the connection instead of passing on the server's answer to
one write: the write committed, rolesd never heard. Loopback only, bounded in time."""
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

import harness
from fcgi_client import fcgi_request

pytestmark = pytest.mark.direct_db  # a proxy in front of PostgreSQL itself


class DroppingProxy:
    """Unix-socket proxy to PostgreSQL; arm() makes it cut the next connection that gets server data."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="rd-proxy-")
        self.port = 5999
        self.path = os.path.join(self.dir, ".s.PGSQL.%d" % self.port)
        self.target = os.path.join(os.environ["PGHOST"], ".s.PGSQL.%s" % os.environ["PGPORT"])
        self.armed = threading.Event()
        self.dropped = threading.Event()
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.path)
        self.srv.listen(16)
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                c, _ = self.srv.accept()
            except OSError:
                return
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(self.target)
            threading.Thread(target=self.pump, args=(c, s), daemon=True).start()

    def pump(self, c, s):
        try:
            while True:
                r, _, _ = select.select([c, s], [], [], 30)
                if not r:
                    return
                for src in r:
                    data = src.recv(65536)
                    if not data:
                        return
                    if src is s and self.armed.is_set():
                        self.armed.clear()
                        self.dropped.set()
                        return  # the server answered (after its commit); the client never hears it
                    (s if src is c else c).sendall(data)
        except OSError:
            return
        finally:
            c.close()
            s.close()



def test_a_write_whose_answer_was_lost_is_not_run_again(stack):
    t = stack.new_tenant()
    proxy = DroppingProxy()
    sock = os.path.join(stack.dir, "run", "retry-%s.sock" % uuid.uuid4().hex[:6])
    env = dict(os.environ, ROLESD_LISTEN="unix:" + sock, ROLESD_WORKERS="1", ROLESD_DB_PREPARED="0",
               DATABASE_URL="host=%s port=%d dbname=rolesd user=rolesd_app" % (proxy.dir, proxy.port))
    with open(os.path.join(stack.dir, "log", "retry.log"), "a") as log:
        p = subprocess.Popen([stack.rolesd, "serve"], env=env, stderr=log)
    try:
        assert harness.wait_until(lambda: os.path.exists(sock)), "no socket"
        assert harness.wait_until(lambda: fcgi_request("unix:" + sock, "GET", "/readyz")[0] == 200), "not ready"
        name = "Once-" + uuid.uuid4().hex[:8]
        proxy.armed.set()
        st, headers, body = fcgi_request("unix:" + sock, "POST", "/api/v1/accounts/self/sub_accounts",
                                         headers={"HTTP_AUTHORIZATION": "Bearer " + t.token, "REQUEST_HOST": t.host,
                                                  "CONTENT_TYPE": "application/x-www-form-urlencoded"},
                                         host=t.host, body=("account[name]=" + name).encode())
        assert proxy.dropped.is_set(), "the proxy did not cut the answer"
        n = int(t.sql("SELECT count(*) FROM accounts WHERE tenant_id = %d AND name = '%s'" % (t.id, name))[-1][0])
        assert n == 1, "the write ran %d times (answered %s)" % (n, st)
        assert st == 503, (st, body)
        # and the next request reconnects as usual
        assert fcgi_request("unix:" + sock, "GET", "/readyz")[0] == 200
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
        proxy.srv.close()
        shutil.rmtree(proxy.dir, ignore_errors=True)
