"""`make bench-scale`: how rolesd's reads hold up as the data grows, each figure a ratio within the sweep.

  depth     GET role and the permission check on the leaf of a chain of 1, 5, 25, 100 accounts
  accounts  GET role on a 5-level leaf while the tenant has 100, 10k, 100k accounts
  tenants   GET role on the demo tenant while the deployment has 1, 1000 tenants
  memory    RSS of every worker before and after 200k requests
"""
import os
import subprocess
import time

import dataset


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def workers(stack):
    with open(os.path.join(stack.dir, "run", "rolesd.pid")) as f:
        sup = f.read().strip()
    return [int(p) for p in subprocess.run(["pgrep", "-P", sup], capture_output=True, text=True).stdout.split()]


def one(stack, Target, measure, name, path, token, host, args):
    t = Target(name, path, token=token, host=host)
    res = measure(stack, [t], [64], args.duration, args.runs)[(name, 64)]
    rps = sorted(r["rps"] for r in res)[len(res) // 2]
    p50 = sorted(r["p50_us"] for r in res)[len(res) // 2] / 1000.0
    p99 = sorted(r["p99_us"] for r in res)[len(res) // 2] / 1000.0
    return {"name": name, "rps": round(rps, 1), "p50_ms": round(p50, 3), "p99_ms": round(p99, 3),
            "errors": sum(r["errors"] for r in res)}


def run(stack, baselines, args, Target, measure, summarise, print_table):
    rows = []

    def add(row, base=None):
        row["ratio"] = round(row["rps"] / base["rps"], 3) if base and base["rps"] else 1.0
        rows.append(row)
        print("%-60s %9.0f rps  p50 %6.2f ms  p99 %6.2f ms  ratio %5.2f  errors %d" % (
            row["name"], row["rps"], row["p50_ms"], row["p99_ms"], row["ratio"], row["errors"]), flush=True)
        return row

    # depth
    by_depth = {}
    for depth in (1, 5, 25, 100):
        t = stack.new_tenant(name="Depth %d" % depth)
        c = dataset.canvas_setup(stack, t, depth=depth)
        g = one(stack, Target, measure, "depth %d: GET role" % depth,
                "/api/v1/accounts/%d/roles/%d" % (c["leaf"], c["role_id"]), t.token, t.host, args)
        p = one(stack, Target, measure, "depth %d: permission check" % depth,
                "/api/v1/accounts/%d/permissions?permissions[]=read_reports" % c["leaf"], c["admin_token"], t.host, args)
        by_depth[depth] = (g, p)
    for depth in (1, 5, 25, 100):
        add(by_depth[depth][0], by_depth[5][0])
        add(by_depth[depth][1], by_depth[5][1])

    # accounts in the tenant
    t = stack.new_tenant(name="Wide")
    c = dataset.canvas_setup(stack, t, depth=5)
    base = None
    have = 6
    for n in (100, 10000, 100000):
        t.sql("SELECT rd_bench_add_wide(%d, %d, %d); ANALYZE accounts;" % (t.id, t.root_account_id, n - have))
        have = n
        row = one(stack, Target, measure, "%d accounts: GET role" % n,
                  "/api/v1/accounts/%d/roles/%d" % (c["leaf"], c["role_id"]), t.token, t.host, args)
        row = add(row, base)
        base = base or row

    # tenants in the deployment
    d = stack.demo
    c = dataset.canvas_setup(stack, d, depth=5)
    path = "/api/v1/accounts/%d/roles/%d" % (c["leaf"], c["role_id"])
    count = int(stack.sql("SELECT count(*) FROM tenants")[0][0])
    first = add(one(stack, Target, measure, "%d tenants: GET role" % count, path, d.token, d.host, args))
    stack.sql("SELECT rd_tenant_create('Bulk ' || g, ARRAY['bulk' || g || '.bench'], 'A',"
              " encode(sha256(('bulk' || g)::bytea), 'hex'), 'bulk') FROM generate_series(1, %d) g; ANALYZE;"
              % max(0, 1000 - count))
    add(one(stack, Target, measure, "1000 tenants: GET role", path, d.token, d.host, args), first)

    # memory: 200k requests of the heaviest read
    pids = workers(stack)
    before = {p: rss_kib(p) for p in pids}
    target = Target("memory run", path, token=d.token, host=d.host)
    from bench import run_wrk
    done = 0
    t0 = time.time()
    while done < 200000:
        done += run_wrk(stack.url, target, 8, 10)["requests"]
    after = {p: rss_kib(p) for p in pids if os.path.exists("/proc/%d" % p)}
    growth = max((after[p] - before[p]) for p in after) if after else None
    rows.append({"name": "worker RSS growth over %d requests (KiB, max over workers)" % done,
                 "rss_before_kib": before, "rss_after_kib": after, "growth_kib": growth,
                 "seconds": round(time.time() - t0, 1)})
    print("worker RSS growth over %d requests: %s KiB (before %s, after %s)" % (done, growth, before, after))
    return rows
