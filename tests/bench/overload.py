"""`make bench-overload`: goodput past capacity. Finds the connection count that saturates rolesd on one
target (the smallest of 2, 4, 8, ... whose throughput is within 10% of the best), then drives 1x, 2x and
8x that many connections, and the issue's 1536, and reports goodput (2xx answers per second), shed
answers (503) and other failures. Ratios within the run; nothing is asserted on timings."""


def goodput(r):
    secs = r["duration_us"] / 1e6
    bad = r["errors"]
    return (r["requests"] - bad) / secs if secs else 0.0


def run(stack, target, run_wrk, duration, log):
    sweep = {}
    for c in (2, 4, 8, 16, 32):
        sweep[c] = goodput(run_wrk(stack.url, target, c, max(2, duration // 2)))
        log("saturation sweep: %d connections, %.0f req/s" % (c, sweep[c]))
    best = max(sweep.values())
    sat = min(c for c, g in sweep.items() if g >= 0.9 * best)
    rows = []
    for mult, conns in (("1x", sat), ("2x", 2 * sat), ("8x", 8 * sat), ("1536", 1536)):
        r = run_wrk(stack.url, target, conns, duration)
        g = goodput(r)
        rows.append({"name": "%s %s (%d connections)" % (target.name, mult, conns), "connections": conns,
                     "goodput_rps": g, "shed_503": r["status_errors"],
                     "failed_other": r["errors"] - r["status_errors"], "p99_ms": r["p99_us"] / 1000.0})
    peak = max([best] + [x["goodput_rps"] for x in rows])
    for x in rows:
        x["goodput_ratio_peak"] = x["goodput_rps"] / peak if peak else 0.0
    print("%-60s %9s %7s %9s %9s %8s" % ("load", "goodput", "xpeak", "503s", "other", "p99 ms"))
    for x in rows:
        print("%-60s %9.0f %7.2f %9d %9d %8.1f" % (x["name"], x["goodput_rps"], x["goodput_ratio_peak"],
                                                  x["shed_503"], x["failed_other"], x["p99_ms"]))
    return {"saturating_connections": sat, "sweep": sweep, "peak_rps": peak, "rows": rows}
