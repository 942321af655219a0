#!/usr/bin/env python3
"""`make bench-instructions`: PostgreSQL's instructions per request for each bench row, exactly.

`make bench` measures PostgreSQL's CPU over wrk runs; on a shared VM those figures move by 20-50% between
runs, more than most changes to a hot path. This counts instead. It starts a throwaway stack with the bench
data set (tests/bench/dataset.py), sends each bench row's request once through nginx and rolesd with
statement logging on, and takes from PostgreSQL's log the exact statement and parameters rolesd sent. It
then stops the stack and, for each statement, runs a single-user PostgreSQL backend on a fresh copy of the
stack's data under valgrind (callgrind): PREPARE once, EXECUTE it N times, each its own transaction as in
production.
Instructions per request = (instructions with 60 executions - with 10) / 50, so start-up and the first
executions' planning cancel out. A row that alternates two requests (a write that changes what it writes every
time) prepares both and executes them in turn. Q is the bench's baseline statement (one prepared primary-key SELECT) and
`noop` the authenticated floor (api.sys_noop: authentication and the api function's call, no work).

Same data, same binary: the counts repeat to within a few hundred instructions, so a change of 1% is seen.
They count CPU instructions only, not cache misses, locks, I/O or the protocol's round trip (which `make
bench` does see). Needs valgrind (installed by the make target). Prints a table; writes JSON to --out.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, HERE)

Q_SQL = "SELECT id, name FROM bench_kv WHERE id = $1"


def log(msg):
    print("bench-instructions: " + msg, file=sys.stderr, flush=True)


def literal(v):
    return "NULL" if v is None else "'" + v.replace("'", "''") + "'"


def capture(stack, stack_dir, targets, harness):
    """Each target's last statement (the api.* call) and its parameters, from PostgreSQL's statement log."""
    stack.sql("ALTER SYSTEM SET log_min_duration_statement = 0")
    stack.sql("SELECT pg_reload_conf()")
    time.sleep(1)
    logf = os.path.join(stack_dir, "log", "postgres.log")
    out = []

    def one(t, path, body):
        pos = os.path.getsize(logf)
        host = stack.demo.host if t.host == "localhost" else t.host
        r = harness.Client(os.environ["ROLESD_URL"], host, t.token).request(t.method, path, body=body,
                                                                           content_type=t.ctype)
        if r.status >= 300:
            raise SystemExit("bench-instructions: %s answered %d" % (t.name, r.status))
        time.sleep(0.3)
        with open(logf) as f:
            f.seek(pos)
            text = f.read()
        found = re.findall(r"execute ([^:]*): (SELECT .*?)\n.*?DETAIL:  parameters: (.*?)\n", text, re.S)
        if not found:
            raise SystemExit("bench-instructions: no statement logged for " + t.name)
        _, sql, params = found[-1]
        ps = {}
        for m in re.finditer(r"\$(\d+) = (NULL|'(?:[^']|'')*')", params):
            ps[int(m.group(1))] = None if m.group(2) == "NULL" else m.group(2)[1:-1].replace("''", "'")
        return {"name": t.name, "sql": sql.strip(), "params": [ps[i] for i in sorted(ps)]}

    for t in targets:
        s = one(t, t.path, t.body)
        if t.alt:
            # executed alternately with the first: each execution changes what the other wrote
            s["alt"] = one(t, t.alt[0], t.alt[1])
        out.append(s)
    stack.sql("ALTER SYSTEM RESET log_min_duration_statement")
    stack.sql("SELECT pg_reload_conf()")
    return out


def instructions(bindir, data, stmt, n):
    """Instructions of a single-user backend that prepares stmt and executes it n times, on a fresh copy of
    data: both counts of a row start from the same state. (On one shared copy, a repeated write that changes
    something only at its first execution made that change in the 60-execution run alone, so the difference
    carried the one-time cost of its first general path, the compilation of its functions and triggers, ÷ 50:
    217 k on api2 add-permissions, 269 k on the repeated Canvas PUT.)"""
    tmp = tempfile.mkdtemp(prefix="rolesd-instr-run.")
    os.chmod(tmp, 0o755)
    copy = os.path.join(tmp, "pg")
    subprocess.run(["cp", "-a", data, copy], check=True)
    try:
        return run_single(bindir, copy, stmt, n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_single(bindir, data, stmt, n):
    body = "SET ROLE rolesd_app;\n\nPREPARE s AS " + stmt["sql"] + ";\n\n"
    one = "EXECUTE s(" + ", ".join(literal(p) for p in stmt["params"]) + ");\n\n"
    if stmt.get("alt"):
        body += "PREPARE s2 AS " + stmt["alt"]["sql"] + ";\n\n"
        two = "EXECUTE s2(" + ", ".join(literal(p) for p in stmt["alt"]["params"]) + ");\n\n"
        body += (one + two) * (n // 2)
    else:
        body += one * n
    p = subprocess.run(["runuser", "-u", "postgres", "--", "valgrind", "--tool=callgrind",
                        "--callgrind-out-file=/dev/null", os.path.join(bindir, "postgres"), "--single", "-j",
                        "-D", data, "-c", "log_min_messages=error", "rolesd"],
                       input=body, capture_output=True, text=True)
    if "ERROR" in p.stdout or "ERROR:" in p.stderr:
        raise SystemExit("bench-instructions: %s failed: %s" % (stmt["name"], (p.stdout + p.stderr)[-1000:]))
    for line in p.stderr.splitlines():
        if "Collected" in line:
            return int(line.split(":")[1].strip().replace(",", ""))
    raise SystemExit("bench-instructions: valgrind said: " + p.stderr[-1000:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "var", "bench", "instructions.json"))
    ap.add_argument("--only", help="only the rows whose name starts with this")
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        raise SystemExit("bench-instructions: valgrind is not installed (apt-get install valgrind)")

    tmp = tempfile.mkdtemp(prefix="rolesd-instr.")
    os.chmod(tmp, 0o755)
    stack_dir = os.path.join(tmp, "stack")
    stackctl = os.path.join(ROOT, "tests", "stack.sh")
    port = subprocess.run([stackctl, "port"], capture_output=True, text=True, check=True).stdout.strip()
    env = dict(os.environ, ROLESD_ACCESS_LOG="off", ROLESD_WORKERS="1")
    subprocess.run([stackctl, "up", stack_dir, port, "fast"], check=True, env=env)
    try:
        with open(os.path.join(stack_dir, "env")) as f:
            for line in f:
                if line.startswith("export "):
                    k, v = line[7:].strip().split("=", 1)
                    os.environ[k] = v.strip("'")
        import harness
        import dataset
        from bench import Target
        stack = harness.Stack()
        dataset.load_kv(stack)
        targets = dataset.targets(stack, Target)
        if args.only:
            targets = [t for t in targets if t.name.startswith(args.only)]
        stmts = capture(stack, stack_dir, targets, harness)
        first = stmts[0]
        stmts.insert(0, {"name": "noop (authentication and the call)",
                         "sql": "SELECT api.sys_noop($1, $2, $3)",
                         "params": first["params"][:2] + [first["params"][-1]]})
        stmts.insert(0, {"name": "Q (pk SELECT)", "sql": Q_SQL, "params": ["7"]})
    finally:
        subprocess.run([stackctl, "down", stack_dir], check=False)

    bindir = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    data = os.path.join(stack_dir, "pg")
    rows = []
    for s in stmts:
        per = (instructions(bindir, data, s, 60) - instructions(bindir, data, s, 10)) / 50.0
        rows.append({"name": s["name"], "instructions": round(per)})
        log("%-55s %10.0f" % (s["name"][:55], per))
    q = rows[0]["instructions"]
    for r in rows:
        r["ratio_q"] = round(r["instructions"] / q, 1)
    print("%-55s %12s %8s" % ("statement", "instr/req", "x Q"))
    for r in rows:
        print("%-55s %12d %8.1f" % (r["name"][:55], r["instructions"], r["ratio_q"]))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"method": "callgrind, postgres --single, (60 - 10 executions) / 50", "results": rows}, f,
                  indent=1)
    log("wrote " + args.out)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
