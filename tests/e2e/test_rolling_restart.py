"""Rolling restarts without a lost request: two `rolesd serve` behind one nginx upstream, each restarted in
turn under mixed read/write load; SIGTERM drains (readiness fails at once, queued work is answered);
SIGHUP replaces the workers without closing the socket. Loopback only, bounded in time."""
import os
import signal
import subprocess
import threading
import time
import uuid

import harness
from fcgi_client import fcgi_request



def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return sorted(int(p) for p in out)


class Server:
    """One `rolesd serve` on its own unix socket in the stack's run directory."""

    def __init__(self, stack, name, workers=2, **env):
        self.stack = stack
        self.sock = os.path.join(stack.dir, "run", "rr-%s.sock" % name)
        self.addr = "unix:" + self.sock
        self.env = dict(os.environ, ROLESD_LISTEN=self.addr, ROLESD_WORKERS=str(workers),
                        **{k: str(v) for k, v in env.items()})
        self.log = os.path.join(stack.dir, "log", "rr-%s.log" % name)
        self.proc = None

    def start(self):
        with open(self.log, "a") as log:
            self.proc = subprocess.Popen([self.stack.rolesd, "serve"], env=self.env, stderr=log)
        assert harness.wait_until(lambda: os.path.exists(self.sock) and len(children(self.proc.pid)) >= 1), "no socket"
        assert harness.wait_until(lambda: fcgi_request(self.addr, "GET", "/readyz")[0] == 200), "not ready"

    def stop(self, timeout=20):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def start_nginx(stack, servers):
    d = os.path.join(stack.dir, "rr-nginx-" + uuid.uuid4().hex[:6])
    os.makedirs(os.path.join(d, "logs"))
    port = subprocess.run([os.path.join(harness.ROOT, "tests", "stack.sh"), "port"], capture_output=True,
                          text=True, check=True).stdout.strip()
    # max_fails=0: a host whose socket is gone is tried and skipped on every request (a failed connect to
    # a unix socket costs microseconds) instead of being left out for fail_timeout, so the test does not
    # depend on how long the restart of a host takes on a loaded machine (README "Rolling restarts").
    upstream = "".join("        server %s max_fails=0;\n" % s.addr for s in servers)
    user = "user root;" if os.getuid() == 0 else ""
    conf = """%s
worker_processes 1;
pid %s/nginx.pid;
error_log %s/logs/error.log warn;
daemon off;
events { worker_connections 1024; }
http {
    access_log off;
    map $http_x_request_id $rd_request_id { default $request_id; }
    client_body_temp_path %s/body;
    fastcgi_temp_path %s/fastcgi;
    upstream rr {
%s    }
    server {
        listen 127.0.0.1:%s;
        location / {
            fastcgi_pass rr;
            fastcgi_pass_request_headers off;
            include %s/nginx/fastcgi_params;
        }
    }
}
""" % (user, d, d, d, d, upstream, port, harness.ROOT)
    with open(os.path.join(d, "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen(["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"), "-e",
                          os.path.join(d, "logs", "error.log")], stderr=subprocess.DEVNULL)
    url = "http://127.0.0.1:%s" % port
    assert harness.wait_until(lambda: subprocess.run(["curl", "-fs", url + "/readyz"], capture_output=True).returncode == 0)
    return p, url, d


def test_rolling_restart_under_load_loses_nothing(stack):
    t = stack.new_tenant(name="Rolling School")
    a, b = Server(stack, "a"), Server(stack, "b")
    nginx = None
    try:
        a.start()
        b.start()
        nginx, url, ndir = start_nginx(stack, [a, b])
        client = harness.Client(url, t.host, t.token)
        statuses, created, errors = [], [], []
        lock = threading.Lock()
        done = threading.Event()

        def load(n):
            i = 0
            while not done.is_set():
                i += 1
                try:
                    if i % 2:
                        r = client.post("/api2/roles", json_body={"display_name": "rr-%d-%d" % (n, i),
                                                                   "permissions": ["collection-read"]})
                        if r.status == 200:
                            with lock:
                                created.append(r.json()["id"])
                    else:
                        r = client.get("/api/v1/users/self")
                    with lock:
                        statuses.append(r.status)
                        if r.status != 200:
                            errors.append(r)
                except Exception as e:  # a dropped connection is a lost request too
                    with lock:
                        errors.append(repr(e))

        threads = [threading.Thread(target=load, args=(n,)) for n in range(6)]
        for th in threads:
            th.start()
        try:
            time.sleep(1.0)
            for s in (a, b):
                assert s.stop() == 0
                s.start()
                time.sleep(1.0)  # under load on the new host before the next goes down
        finally:
            done.set()
            for th in threads:
                th.join(30)
        assert not errors, errors[:5]
        assert len(statuses) > 50, len(statuses)
        ids = ",".join(str(int(i)) for i in created)
        rows = t.sql("SELECT count(*) FROM api2_roles WHERE id IN (%s)" % ids)
        assert int(rows[-1][0]) == len(created), (rows, len(created))
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        a.kill()
        b.kill()


def test_draining_server_fails_readiness_and_keeps_serving(stack):
    s = Server(stack, "drain", ROLESD_DRAIN_DELAY_MS=1500)
    try:
        s.start()
        s.proc.send_signal(signal.SIGTERM)
        assert harness.wait_until(lambda: fcgi_request(s.addr, "GET", "/readyz")[0] == 503, 1.0)
        assert fcgi_request(s.addr, "GET", "/healthz")[0] == 200
        st, _, _ = fcgi_request(s.addr, "GET", "/api/v1/users/self",
                                headers={"HTTP_AUTHORIZATION": "Bearer " + stack.demo.token})
        assert st == 200
        assert s.proc.wait(10) == 0
        assert not os.path.exists(s.sock)
    finally:
        s.kill()


def test_idle_draining_server_keeps_serving_for_the_whole_delay(stack):
    """A quiet spell during the drain delay must not end the workers early: the socket is still there, so
    whatever arrives after it would wait in a queue nobody reads and be reset when the host exits."""
    s = Server(stack, "idle-drain", ROLESD_DRAIN_DELAY_MS=2000)
    try:
        s.start()
        s.proc.send_signal(signal.SIGTERM)
        assert harness.wait_until(lambda: fcgi_request(s.addr, "GET", "/readyz")[0] == 503, 1.0)
        time.sleep(0.8)  # idle far longer than a worker's quiet period
        assert len(children(s.proc.pid)) == 2
        assert fcgi_request(s.addr, "GET", "/healthz")[0] == 200
        # also when the whole process group got the SIGTERM (systemd's default, Ctrl-C)
        for pid in children(s.proc.pid):
            os.kill(pid, signal.SIGTERM)
        time.sleep(0.4)
        assert fcgi_request(s.addr, "GET", "/healthz")[0] == 200
        assert s.proc.wait(10) == 0
        assert not os.path.exists(s.sock)
    finally:
        s.kill()


def test_queued_requests_are_answered_on_sigterm(stack):
    """With one worker busy on a slow request, requests queued behind it are answered after SIGTERM."""
    s = Server(stack, "queue", workers=1)
    results = []
    try:
        s.start()
        token = stack.demo.token

        def call():
            try:
                results.append(fcgi_request(s.addr, "GET", "/api/v1/users/self",
                                            headers={"HTTP_AUTHORIZATION": "Bearer " + token})[0])
            except Exception as e:
                results.append(repr(e))

        # hold the database row lock the request needs? Simpler: queue many requests, then SIGTERM at once.
        threads = [threading.Thread(target=call) for _ in range(20)]
        for th in threads:
            th.start()
        s.proc.send_signal(signal.SIGTERM)
        for th in threads:
            th.join(20)
        assert s.proc.wait(10) == 0
        # every connection that got in was answered; those after the socket was removed failed to connect
        answered = [r for r in results if r == 200]
        refused = [r for r in results if r != 200]
        assert all("FileNotFoundError" in str(r) or "ConnectionRefused" in str(r) for r in refused), refused
        assert answered, results
    finally:
        s.kill()


def test_sighup_replaces_workers_keeping_the_socket(stack):
    s = Server(stack, "hup")
    try:
        s.start()
        ino = os.stat(s.sock).st_ino
        before = children(s.proc.pid)
        statuses = []
        done = threading.Event()

        def load():
            while not done.is_set():
                statuses.append(fcgi_request(s.addr, "GET", "/readyz")[0])

        th = threading.Thread(target=load)
        th.start()
        try:
            time.sleep(0.3)
            s.proc.send_signal(signal.SIGHUP)
            assert harness.wait_until(lambda: len(children(s.proc.pid)) == 2 and
                              not set(children(s.proc.pid)) & set(before)), (before, children(s.proc.pid))
            time.sleep(0.3)
        finally:
            done.set()
            th.join(10)
        assert statuses and set(statuses) == {200}, set(statuses)
        assert os.stat(s.sock).st_ino == ino
        assert s.stop() == 0
    finally:
        s.kill()


def test_a_draining_host_leaves_its_successors_socket_alone(stack):
    """On one machine the new server may start on the same socket path before the old one has drained (it
    replaces the path; the old one answers what it had queued). The old one's exit must not remove the
    path, which is the new server's by then."""
    old = Server(stack, "same-path")
    new = Server(stack, "same-path")
    try:
        old.start()
        new.start()
        assert old.stop() == 0
        assert os.path.exists(new.sock), "the new server's socket was removed"
        assert fcgi_request(new.addr, "GET", "/readyz")[0] == 200
        assert new.stop() == 0
        assert not os.path.exists(new.sock)
    finally:
        old.kill()
        new.kill()


def test_sigterm_to_the_whole_process_group_still_drains(stack):
    """systemd (KillMode=control-group) and Ctrl-C signal the supervisor and its workers at the same instant.
    The workers are the supervisor's to stop: they keep serving for the drain delay, then empty the queue."""
    sock = os.path.join(stack.dir, "run", "rr-group.sock")
    env = dict(os.environ, ROLESD_LISTEN="unix:" + sock, ROLESD_WORKERS="2", ROLESD_DRAIN_DELAY_MS="1500")
    with open(os.path.join(stack.dir, "log", "rr-group.log"), "a") as log:
        p = subprocess.Popen([stack.rolesd, "serve"], env=env, stderr=log, start_new_session=True)
    try:
        assert harness.wait_until(lambda: os.path.exists(sock) and len(children(p.pid)) == 2)
        assert harness.wait_until(lambda: fcgi_request("unix:" + sock, "GET", "/readyz")[0] == 200)
        workers = children(p.pid)
        for sig in (signal.SIGTERM, signal.SIGHUP):  # a hang-up of the session too
            os.killpg(p.pid, sig)
        time.sleep(0.5)
        assert fcgi_request("unix:" + sock, "GET", "/readyz")[0] == 503  # draining
        assert children(p.pid) == workers, "the workers left (or were replaced) before the drain delay ended"
        assert fcgi_request("unix:" + sock, "GET", "/healthz")[0] == 200
        assert p.wait(10) == 0
        assert not os.path.exists(sock)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait(5)


def test_workers_do_not_outlive_their_supervisor(stack):
    """Workers ignore the process group's signals, so a supervisor killed outright (SIGKILL, the OOM
    killer) must still take them along: they retire after their request."""
    s = Server(stack, "orphans")
    try:
        s.start()
        workers = children(s.proc.pid)
        s.proc.kill()
        s.proc.wait(5)
        assert harness.wait_until(lambda: not any(os.path.exists("/proc/%d" % w) and
                                          open("/proc/%d/stat" % w).read().split()[2] != "Z" for w in workers), 5), workers
    finally:
        s.kill()
