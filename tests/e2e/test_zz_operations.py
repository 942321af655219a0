"""Operations: the supervisor, concurrent migrations, and losing the database. Runs last (zz): it stops
and restarts parts of the shared stack."""
import os
import signal
import subprocess
import threading
import time
import uuid

import pytest

import harness

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def pids_of_workers(stack):
    with open(os.path.join(stack.dir, "run", "rolesd.pid")) as f:
        sup = int(f.read().strip())
    out = subprocess.run(["pgrep", "-P", str(sup)], capture_output=True, text=True).stdout.split()
    return sup, [int(p) for p in out]



def test_killed_worker_is_replaced(stack):
    sup, workers = pids_of_workers(stack)
    assert workers, "no workers"
    os.kill(workers[0], signal.SIGKILL)
    assert harness.wait_until(lambda: len(pids_of_workers(stack)[1]) == len(workers) and
                      workers[0] not in pids_of_workers(stack)[1]), "worker not replaced"
    r = stack.demo.admin.get("/api/v1/users/self")
    assert r.status == 200, r


@pytest.mark.direct_db
def test_ten_concurrent_migrations_apply_once(stack):
    db = "mig_" + uuid.uuid4().hex[:8]
    stack.sql("CREATE DATABASE %s OWNER rolesd_owner" % db)
    env = dict(os.environ, ROLESD_ADMIN_DATABASE_URL="host=%s port=%s dbname=%s user=rolesd_owner"
               % (os.environ["PGHOST"], os.environ["PGPORT"], db))
    procs = [subprocess.Popen([stack.rolesd, "migrate"], env=env, stderr=subprocess.PIPE, text=True)
             for _ in range(10)]
    outs = [p.communicate()[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    applied = sum(o.count("applied 0014_baseline.sql") for o in outs)
    assert applied == 1, outs
    assert sum(o.count("applied functions/00_context.sql") for o in outs) == 1, outs
    n = subprocess.run(["psql", "-X", "-At", "-d", db, "-c", "SELECT count(*) FROM schema_migrations"],
                       capture_output=True, text=True).stdout.strip()
    files = [f for f in os.listdir(os.path.join(ROOT, "migrations")) if f.endswith(".sql")]
    assert int(n) == len(files), (n, files)
    stack.sql("DROP DATABASE %s" % db)


@pytest.mark.direct_db
def test_edited_migration_is_refused(stack):
    db = "mige_" + uuid.uuid4().hex[:8]
    stack.sql("CREATE DATABASE %s OWNER rolesd_owner" % db)
    env = dict(os.environ, ROLESD_ADMIN_DATABASE_URL="host=%s port=%s dbname=%s user=rolesd_owner"
               % (os.environ["PGHOST"], os.environ["PGPORT"], db))
    assert subprocess.run([stack.rolesd, "migrate"], env=env, capture_output=True).returncode == 0
    subprocess.run(["psql", "-X", "-q", "-d", db, "-c",
                    "UPDATE schema_migrations SET checksum = repeat('0', 64) WHERE version = '0014'"], check=True)
    p = subprocess.run([stack.rolesd, "migrate"], env=env, capture_output=True, text=True)
    assert p.returncode != 0 and "edited" in p.stderr, p.stderr
    stack.sql("DROP DATABASE %s" % db)


def test_sigterm_stops_supervisor_and_workers(stack):
    sock = os.path.join(stack.dir, "run", "term-test.sock")
    env = dict(os.environ, ROLESD_LISTEN="unix:" + sock, ROLESD_WORKERS="2")
    p = subprocess.Popen([stack.rolesd, "serve"], env=env, stderr=subprocess.DEVNULL)
    assert harness.wait_until(lambda: os.path.exists(sock)), "no socket"
    assert harness.wait_until(lambda: len(subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True,
                                                 text=True).stdout.split()) == 2)
    kids = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0
    for k in kids:
        assert not os.path.exists("/proc/%s" % k) or open("/proc/%s/stat" % k).read().split()[2] == "Z"
    assert not os.path.exists(sock)


def test_database_loss_is_503_then_recovers(stack):
    with open(os.path.join(stack.dir, "pgdata")) as f:
        pgdata = f.read().strip()
    bindir = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    pg_ctl = "/usr/lib/postgresql/%s/bin/pg_ctl" % bindir
    as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run(as_pg + [pg_ctl, "-D", pgdata, "-m", "fast", "-w", "stop"], check=True, capture_output=True)
    try:
        r = stack.demo.admin.get("/api/v1/users/self")
        assert r.status == 503, r
        assert r.header("Retry-After"), r.headers
        r = stack.client("localhost").get("/readyz")
        assert r.status == 503, r
        r = stack.client("localhost").get("/healthz")
        assert r.status == 200, r
    finally:
        subprocess.run(as_pg + [pg_ctl, "-D", pgdata, "-l", os.path.join(stack.dir, "log", "postgres.log"),
                                "-w", "start"], check=True, capture_output=True)
    assert harness.wait_until(lambda: stack.demo.admin.get("/api/v1/users/self").status == 200, 15), "did not recover"
    # every worker reconnects, none crashed
    sup, workers = pids_of_workers(stack)
    for _ in range(4 * len(workers)):
        assert stack.demo.admin.get("/api/v1/users/self").status == 200
