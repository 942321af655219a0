"""The command line: --help and --version on stdout with exit 0, a usage per command, and `rolesd health`
(a FastCGI probe of /readyz for container health checks)."""
import os
import signal
import subprocess

from harness import wait_until
from test_rolling_restart import Server


def run(stack, *args, env=None):
    return subprocess.run([stack.rolesd] + list(args), capture_output=True, text=True, env=env)


def test_help_lists_every_command_on_stdout(stack):
    for flag in ("--help", "-h", "help"):
        p = run(stack, flag)
        assert p.returncode == 0 and p.stderr == "", p
        for cmd in ("serve", "migrate", "health", "tenant create", "tenant list", "token create", "token revoke"):
            assert "rolesd " + cmd in p.stdout, (cmd, p.stdout)


def test_version_comes_from_the_build(stack):
    p = run(stack, "--version")
    assert p.returncode == 0, p
    assert p.stdout.startswith("rolesd ") and p.stdout.strip() != "rolesd" and "unknown" not in p.stdout, p.stdout


def test_usage_per_command(stack):
    p = run(stack, "token", "--help")
    assert p.returncode == 0 and "rolesd token create" in p.stdout and "rolesd tenant" not in p.stdout, p
    p = run(stack, "tenant", "create", "--name")
    assert p.returncode == 2 and "rolesd tenant create" in p.stderr and "rolesd token" not in p.stderr, p
    p = run(stack, "serve", "extra")
    assert p.returncode == 2 and "usage: rolesd serve" in p.stderr, p
    p = run(stack, "frobnicate")
    assert p.returncode == 2 and "commands:" in p.stderr and p.stdout == "", p


def test_health_probe_over_fastcgi(stack):
    s = Server(stack, "health", ROLESD_DRAIN_DELAY_MS=2000)
    try:
        s.start()
        p = run(stack, "health", env=s.env)
        assert p.returncode == 0 and ": 200" in p.stdout, p
        p = run(stack, "health", "--listen", s.sock)  # the bare path form of ROLESD_LISTEN
        assert p.returncode == 0 and ": 200" in p.stdout, p
        s.proc.send_signal(signal.SIGTERM)  # draining: not ready any more
        assert wait_until(lambda: run(stack, "health", env=s.env).returncode == 1, 1.5)
        assert s.proc.wait(10) == 0
        p = run(stack, "health", "--listen", s.addr)
        assert p.returncode == 1, p  # nobody listening
    finally:
        s.kill()


def test_health_probe_of_a_server_listening_on_every_address(stack):
    """The container's configuration: ROLESD_LISTEN=0.0.0.0:9000 and HEALTHCHECK `rolesd health` with
    no --listen. The probe asks the loopback address on the same port (it used to ask port 1)."""
    port = subprocess.run([os.path.join(os.path.dirname(__file__), "..", "stack.sh"), "port"],
                          capture_output=True, text=True, check=True).stdout.strip()
    s = Server(stack, "health-tcp")
    s.addr = "0.0.0.0:" + port
    s.env["ROLESD_LISTEN"] = s.addr
    try:
        with open(s.log, "a") as log:
            s.proc = subprocess.Popen([stack.rolesd, "serve"], env=s.env, stderr=log)
        assert wait_until(lambda: run(stack, "health", "--listen", "127.0.0.1:" + port).returncode == 0, 10)
        for listen in (None, "0.0.0.0:" + port, ":" + port):
            args = ["health"] if listen is None else ["health", "--listen", listen]
            p = run(stack, *args, env=s.env)
            assert p.returncode == 0 and ": 200" in p.stdout, (listen, p)
    finally:
        s.kill()


def test_workers_default_to_the_cpus_the_process_may_use(stack):
    """Without ROLESD_WORKERS: one worker per CPU rolesd may run on (its affinity: `docker run --cpuset-cpus`,
    taskset, systemd's CPUAffinity), not per online core of the host; the cgroup quota caps it further."""
    env = {k: v for k, v in os.environ.items() if k != "ROLESD_WORKERS"}
    env["ROLESD_LISTEN"] = "unix:" + os.path.join(stack.dir, "run", "affinity.sock")
    p = subprocess.Popen(["taskset", "-c", "0", stack.rolesd, "serve"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = p.stderr.readline()
        assert "with 1 workers" in line, line
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(10)


def test_bad_input_is_a_usage_error_or_one_line_naming_it(stack):
    """Values the command line can check are usage errors (exit 2) naming the option; what needs the
    database (an unknown host, user or token, a host already taken) is exit 1 with one line, never a
    PostgreSQL message with its CONTEXT."""
    t = stack.new_tenant()
    bad, twice = "bad " + t.host, "twice." + t.host
    for args, opt in [(("token", "create", "--host", t.host, "--user", "abc"), "--user"),
                      (("token", "revoke", "--host", t.host, "--token-id", "x"), "--token-id"),
                      (("token", "create", "--host", t.host, "--user", "1", "--expires-at", "yesterday"), "--expires-at"),
                      (("tenant", "set", "--host", t.host, "--audit-retention-days", "abc"), "--audit-retention-days"),
                      (("tenant", "set", "--host", t.host, "--audit-retention-days", "0"), "--audit-retention-days"),
                      (("tenant", "create", "--host", bad, "--name", "X"), "--host"),
                      (("tenant", "create", "--host", "", "--name", "X"), "--host"),
                      (("tenant", "create", "--host", bad.replace(" ", "-"), "--name", "  "), "--name"),
                      (("tenant", "create", "--host", bad.replace(" ", "-"), "--name", "X", "--admin-name", ""),
                       "--admin-name"),
                      (("tenant", "create", "--host", twice, "--host", twice.upper(), "--name", "X"), "--host")]:
        p = run(stack, *args)
        assert p.returncode == 2 and p.stderr.startswith("rolesd: %s: expected " % opt), (args, p)
        assert "usage: rolesd %s" % args[0] in p.stderr and p.stdout == "", (args, p)
    for args, line in [(("tenant", "set", "--host", "nowhere.test"), "rolesd: no tenant on host nowhere.test"),
                       (("token", "create", "--host", "nowhere.test", "--user", "1"), "rolesd: no tenant on host nowhere.test"),
                       (("token", "revoke", "--host", t.host, "--token-id", "999999"),
                        "rolesd: no active token 999999 on host %s" % t.host),
                       (("tenant", "create", "--host", t.host.upper(), "--name", "Again"),
                        "rolesd: host already in use by another tenant: %s" % t.host),
                       (("tenant", "set", "--host", t.host, "--feature", "no_such_feature=on"),
                        "rolesd: setting the tenant's conditions: unknown feature no_such_feature")]:
        p = run(stack, *args)
        assert p.returncode == 1 and p.stderr == line + "\n" and p.stdout == "", (args, p)
    assert stack.sql("SELECT host FROM tenant_hosts WHERE host IN ('%s', '%s', '%s', '')"
                     % (bad, bad.replace(" ", "-"), twice)) == []
