#!/usr/bin/env python3
"""Static checks of docker/docker-compose.yml as an operator would want it (called by docker/check.sh):
pinned images, restart policies and health checks on long-running services, only nginx publishing a
port, secrets from files instead of the environment, the workers going through PgBouncer. Prints one
"ok - ..." / "not ok - ..." line per check."""
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    with open(os.path.join(HERE, "docker-compose.yml")) as f:
        c = yaml.safe_load(f)
    svc = c["services"]
    checks = []

    def check(name, cond):
        checks.append(cond)
        print("%s - %s" % ("ok" if cond else "not ok", name))

    built = {s.get("image") for s in svc.values() if "build" in s}
    for name, s in svc.items():
        img = s.get("image", "")
        if "build" not in s and img and img not in built:
            check("%s: image %s pinned to a version" % (name, img), re.search(r":[0-9]+\.[0-9]+", img) is not None)
        if name != "migrate":
            check("%s: restart policy" % name, s.get("restart") in ("unless-stopped", "always", "on-failure"))
            check("%s: health check" % name, "healthcheck" in s)
        env = s.get("environment") or {}
        check("%s: no password in the environment" % name,
              not any("password" in str(v).lower() for k, v in env.items() if not k.endswith("_FILE")))
    check("only nginx publishes a port", [n for n, s in svc.items() if s.get("ports")] == ["nginx"])
    check("rolesd: FastCGI port only exposed to the network", "ports" not in svc["rolesd"])
    check("rolesd: database URL from a secret file", "DATABASE_URL_FILE" in svc["rolesd"]["environment"])
    with open(os.path.join(HERE, "secrets", "database_url")) as f:
        check("rolesd: workers reach PostgreSQL through pgbouncer", "host=pgbouncer" in f.read())
    with open(os.path.join(HERE, "pgbouncer", "pgbouncer.ini")) as f:
        check("pgbouncer: transaction mode", re.search(r"^pool_mode = transaction$", f.read(), re.M) is not None)
    for df in ("Dockerfile", "pgbouncer/Dockerfile"):
        with open(os.path.join(HERE, df)) as f:
            text = f.read()
        froms = re.findall(r"^FROM (\S+)", text, re.M)
        check("%s: base images pinned (%s)" % (df, ", ".join(froms)),
              all(re.search(r":[0-9]+\.[0-9]+", x) for x in froms))
    with open(os.path.join(HERE, "Dockerfile")) as f:
        check("Dockerfile: HEALTHCHECK runs rolesd health", "rolesd\", \"health\"" in f.read())
    ign = os.path.join(HERE, "..", ".dockerignore")
    check(".dockerignore keeps build output and history out",
          os.path.exists(ign) and open(ign).read().splitlines().count("*") == 1)
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
