#!/usr/bin/env python3
"""`make bench`: rolesd's endpoints against the stack's own ceilings, measured in the same run.

Starts a throwaway stack (tests/stack.sh, like `make test`), adds the baseline FastCGI programs behind the
same nginx, loads a generated data set (tests/bench/dataset.py), then drives each target with wrk at two
concurrencies after a warm-up:

  H  nginx answering a constant                      (the HTTP ceiling)
  F  nginx -> trivial FastCGI program, constant JSON  (the FastCGI ceiling)
  Q  the same program, one prepared primary-key SELECT per request (the one-round-trip ceiling)

Every figure is reported as a ratio to Q and F of the same run and concurrency, so the numbers hold on any
machine. Any non-2xx answer fails the run. Medians over --runs runs (default 3).
Each row also carries PostgreSQL's CPU per request: the CPU time of the stack's PostgreSQL processes over
the run divided by its requests (pg_us_per_req), and its ratio to Q's (pg_ratio_q): with many stateless
hosts over one database, that figure decides how many requests one deployment can serve.
Writes a JSON list of {"name","rps","p50_ms","p99_ms","ratio_q","ratio_f","errors","cpu_ms_per_req",
"pg_us_per_req","pg_ratio_q"} plus the machine description to --out.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, HERE)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def cpu_busy():
    with open("/proc/stat") as f:
        parts = [int(x) for x in f.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return sum(parts[:8]) - idle


PG_PID_FILE = None  # set by main(): the stack's postmaster.pid


def pg_cpu_ticks():
    """CPU time (user + system, clock ticks) of the stack's PostgreSQL: the postmaster and its children.
    Backends live as long as the workers' connections, so a run's difference is what PostgreSQL spent."""
    if PG_PID_FILE is None:
        return 0
    with open(PG_PID_FILE) as f:
        pm = int(f.readline())
    total = 0
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                st = f.read()
        except OSError:
            continue
        fields = st[st.rindex(")") + 2:].split()
        if int(d) == pm or int(fields[1]) == pm:  # fields[1] = ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    return {"cpu": model, "cores": os.cpu_count(), "mem_mib": mem, "kernel": platform.release(),
            "date": time.strftime("%Y-%m-%d")}


class Target:
    """One thing to measure: a URL path with method/body/host/token. With alt=(path, body), requests alternate
    between the two (a write that changes what it writes every time, where the same request repeated would
    change nothing after the first)."""

    def __init__(self, name, path, method="GET", body=None, ctype=None, host="localhost", token=None,
                 group="rolesd", alt=None):
        self.name, self.path, self.method, self.body, self.ctype = name, path, method, body, ctype
        self.host, self.token, self.group, self.alt = host, token, group, alt


def run_wrk(url, target, conns, duration, threads=2):
    env = dict(os.environ, BENCH_METHOD=target.method, BENCH_BODY=target.body or "",
               BENCH_CTYPE=target.ctype or "", BENCH_TOKEN=target.token or "", BENCH_HOST=target.host,
               BENCH_ALT_PATH=target.alt[0] if target.alt else "",
               BENCH_ALT_BODY=(target.alt[1] or "") if target.alt else "")
    c0, pg0 = cpu_busy(), pg_cpu_ticks()
    p = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % conns, "-d%ds" % duration, "--latency",
                        "-s", os.path.join(HERE, "report.lua"), url + target.path],
                       capture_output=True, text=True, env=env)
    busy, pg = cpu_busy() - c0, pg_cpu_ticks() - pg0
    line = [x for x in p.stdout.splitlines() if x.startswith("{")]
    if p.returncode != 0 or not line:
        raise RuntimeError("wrk failed for %s: %s %s" % (target.name, p.stdout, p.stderr))
    r = json.loads(line[-1])
    secs = r["duration_us"] / 1e6
    r["rps"] = r["requests"] / secs if secs else 0.0
    r["cpu_ms_per_req"] = (busy / os.sysconf("SC_CLK_TCK") * 1000.0 / r["requests"]) if r["requests"] else 0.0
    r["pg_us_per_req"] = (pg / os.sysconf("SC_CLK_TCK") * 1e6 / r["requests"]) if r["requests"] else 0.0
    return r


def check_once(stack, target):
    """One request through the harness client: the target must answer 2xx before it is measured."""
    import harness
    c = harness.Client(stack.url, target.host, target.token)
    for path, body in [(target.path, target.body)] + ([target.alt] if target.alt else []):
        r = c.request(target.method, path, body=body, content_type=target.ctype)
        if r.status // 100 != 2:
            raise RuntimeError("%s answered %d: %s" % (target.name, r.status, r.text[:300]))


def start_baselines(stack_dir, workers):
    baseline = os.environ.get("BENCH_BASELINE") or os.path.join(ROOT, "build", "bench", "baseline")
    env = {}
    with open(os.path.join(stack_dir, "env")) as f:
        for line in f:
            if line.startswith("export "):
                k, v = line[7:].strip().split("=", 1)
                env[k] = v.strip("'")
    run = os.path.join(stack_dir, "run")
    procs = [
        subprocess.Popen([baseline, "const", os.path.join(run, "bench-f.sock"), str(workers)]),
        subprocess.Popen([baseline, "query", os.path.join(run, "bench-q.sock"), str(workers),
                          env["DATABASE_URL"]]),
    ]
    conf = ""
    for name in ("f", "q"):
        conf += ("location = /bench-%s {\n    fastcgi_pass unix:%s/bench-%s.sock;\n"
                 "    fastcgi_pass_request_headers off;\n    include %s/nginx/fastcgi_params;\n}\n"
                 % (name, run, name, ROOT))
    with open(os.path.join(stack_dir, "nginx", "extra", "bench.conf"), "w") as f:
        f.write(conf)
    subprocess.run(["nginx", "-p", os.path.join(stack_dir, "nginx"), "-c",
                    os.path.join(stack_dir, "nginx", "nginx.conf"), "-s", "reload"], check=True)
    time.sleep(1.0)
    return procs


def stop(procs):
    for p in procs:
        p.kill()
        p.wait()
    # the baseline's children exit when their parent is gone and the socket closes
    subprocess.run(["pkill", "-f", "bench-[fq].sock"], check=False)


def measure(stack, targets, conc_list, duration, runs):
    results = {}
    for t in targets:
        check_once(stack, t)
        run_wrk(stack.url, t, 16, 1)  # warm-up: connections, prepared statements, caches
    for _ in range(runs):
        for conns in conc_list:
            for t in targets:
                r = run_wrk(stack.url, t, conns, duration)
                results.setdefault((t.name, conns), []).append(r)
    return results


def summarise(targets, results, conc_list):
    rows = []
    for conns in conc_list:
        def med(name, key):
            return statistics.median(r[key] for r in results[(name, conns)])
        q = med("baseline Q (pk SELECT)", "rps")
        q_pg = med("baseline Q (pk SELECT)", "pg_us_per_req")
        f = med("baseline F (FastCGI const)", "rps")
        for t in targets:
            rs = results[(t.name, conns)]
            rps = med(t.name, "rps")
            rows.append({
                "name": "%s c%d" % (t.name, conns), "rps": round(rps, 1),
                "p50_ms": round(med(t.name, "p50_us") / 1000.0, 3), "p99_ms": round(med(t.name, "p99_us") / 1000.0, 3),
                "ratio_q": round(rps / q, 3) if q else None, "ratio_f": round(rps / f, 3) if f else None,
                "errors": sum(r["errors"] for r in rs), "cpu_ms_per_req": round(med(t.name, "cpu_ms_per_req"), 4),
                "pg_us_per_req": round(med(t.name, "pg_us_per_req"), 1),
                "pg_ratio_q": round(med(t.name, "pg_us_per_req") / q_pg, 2) if q_pg else None,
            })
    return rows


def print_table(rows):
    print("%-52s %9s %8s %8s %7s %7s %6s %8s %7s %7s" % ("endpoint", "req/s", "p50 ms", "p99 ms", "xQ", "xF",
                                                         "errs", "cpu ms", "pg us", "pg xQ"))
    for r in rows:
        print("%-52s %9.0f %8.2f %8.2f %7.2f %7.2f %6d %8.3f %7.1f %7.2f" % (
            r["name"], r["rps"], r["p50_ms"], r["p99_ms"], r["ratio_q"] or 0, r["ratio_f"] or 0, r["errors"],
            r["cpu_ms_per_req"], r.get("pg_us_per_req", 0), r.get("pg_ratio_q") or 0))


# The rows production depends on most, measured again with rolesd re-pointed at a PgBouncer in transaction
# mode (ROLESD_DB_PREPARED=0, unnamed statements): the cost of the pooler hop, against Q of the same pass.
POOLER_ROWS = ("users/self", "canvas GET role", "canvas PUT", "api2 GET role")


def pooler_pass(stack, stack_dir, port, env, baselines, targets, args):
    subprocess.run([os.path.join(ROOT, "tests", "stack.sh"), "up", stack_dir, port, "fast"], check=True,
                   env=dict(env, ROLESD_POOLER="pgbouncer"))
    chosen = [t for t in targets if t.group == "rolesd" and t.name.startswith(POOLER_ROWS)]
    via = [Target(t.name + " via PgBouncer", t.path, t.method, t.body, t.ctype, t.host, t.token, t.group, t.alt)
           for t in chosen]
    pq = [b for b in baselines if b.name.startswith(("baseline Q", "baseline F"))]
    log("through PgBouncer: %d targets x %d runs x %ds" % (len(via), args.runs, args.duration))
    results = measure(stack, pq + via, [64, 8], args.duration, args.runs)
    rows = [r for r in summarise(pq + via, results, [64, 8]) if "via PgBouncer" in r["name"]]
    print_table(rows)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "var", "bench", "latest.json"))
    ap.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "5")))
    ap.add_argument("--runs", type=int, default=int(os.environ.get("BENCH_RUNS", "3")))
    ap.add_argument("--scale", action="store_true", help="the scale sweeps instead of the endpoint table")
    ap.add_argument("--keep", action="store_true", help="leave the stack running")
    ap.add_argument("--overload", action="store_true",
                    help="goodput at 1x, 2x, 8x the saturating connections (tests/bench/overload.py)")
    ap.add_argument("--no-pooler", action="store_true",
                    help="skip the second pass of the main rows through PgBouncer (transaction mode)")
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY"),
                    help="only the rows whose name starts with one of these comma-separated prefixes "
                         "(the baselines always run)")
    args = ap.parse_args()

    workers = int(os.environ.get("ROLESD_WORKERS") or os.cpu_count())
    tmp = tempfile.mkdtemp(prefix="rolesd-bench.")
    os.chmod(tmp, 0o755)
    stack_dir = os.path.join(tmp, "stack")
    port = subprocess.run([os.path.join(ROOT, "tests", "stack.sh"), "port"], capture_output=True,
                          text=True, check=True).stdout.strip()
    env = dict(os.environ, ROLESD_ACCESS_LOG="off", ROLESD_WORKERS=str(workers))
    subprocess.run([os.path.join(ROOT, "tests", "stack.sh"), "up", stack_dir, port, "fast"], check=True, env=env)
    with open(os.path.join(stack_dir, "env")) as f:
        for line in f:
            if line.startswith("export "):
                k, v = line[7:].strip().split("=", 1)
                os.environ[k] = v.strip("'")
    global PG_PID_FILE
    PG_PID_FILE = os.path.join(stack_dir, "pg", "postmaster.pid")
    procs = []
    try:
        import harness
        import dataset
        stack = harness.Stack()
        dataset.load_kv(stack)
        procs = start_baselines(stack_dir, workers)
        baselines = [
            Target("baseline H (nginx const)", "/nginx-constant", group="baseline"),
            Target("baseline F (FastCGI const)", "/bench-f", group="baseline"),
            Target("baseline Q (pk SELECT)", "/bench-q", group="baseline"),
        ]
        if args.overload:
            import overload
            target = [t for t in dataset.targets(stack, Target) if t.name.startswith("canvas GET role")][0]
            out = {"machine": machine(), "workers": workers,
                   "overload": overload.run(stack, target, run_wrk, args.duration, log)}
            os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
            with open(args.out, "w") as f:
                json.dump(out, f, indent=1)
            log("wrote " + args.out)
            return 0
        if args.scale:
            import scale
            rows = scale.run(stack, baselines, args, Target, measure, summarise, print_table)
        else:
            targets = dataset.targets(stack, Target)
            if args.only:
                targets = [t for t in targets if t.name.startswith(tuple(args.only.split(",")))]
            targets = baselines + targets
            log("measuring %d targets x %d runs x %ds" % (len(targets), args.runs, args.duration))
            results = measure(stack, targets, [64, 8], args.duration, args.runs)
            rows = summarise(targets, results, [64, 8])
            print_table(rows)
            if not args.no_pooler:
                rows += pooler_pass(stack, stack_dir, port, env, baselines, targets, args)
        out = {"machine": machine(), "workers": workers, "wrk": "-t2 -c64|-c8 -d%ds, median of %d runs"
               % (args.duration, args.runs), "results": rows}
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump(out, f, indent=1)
        log("wrote " + args.out)
        bad = [r for r in rows if r.get("errors")]
        if bad:
            log("non-2xx answers in: " + ", ".join(r["name"] for r in bad))
            return 1
        return 0
    finally:
        stop(procs)
        if not args.keep:
            subprocess.run([os.path.join(ROOT, "tests", "stack.sh"), "down", stack_dir])
            subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    sys.exit(main())
