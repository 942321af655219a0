#!/usr/bin/env bash
# `make test`: unit tests (sanitized binaries given as arguments), then a throwaway stack on free ports
# with SQL and end-to-end suites. The last line is "N passed, N failed"; exit status 1 on any failure.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
total_pass=0 total_fail=0
tally() { # tally OUTPUT_FILE SUITE [EXIT_STATUS]: a non-zero status with no failure counted is one failure
    local line p f
    line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed" "$1" | tail -n 1)
    if [ -z "$line" ]; then total_fail=$((total_fail + 1)); echo "$2: no summary (suite crashed)"; return; fi
    p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'); f=$(echo "$line" | sed -E 's/.*, ([0-9]+) failed/\1/')
    if [ "${3:-0}" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$2: exit status $3 with no failure counted"; fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
}

tmp=$(mktemp -d /tmp/rolesd-test.XXXXXX)
chmod 755 "$tmp"
cleanup() { tests/stack.sh down "$tmp/stack" >/dev/null 2>&1; [ -n "${KEEP_TEST_DIR:-}" ] || rm -rf "$tmp"; }
trap cleanup EXIT

echo "== unit (ASan/UBSan)"
tests/unit/run.sh "$@" | tee "$tmp/unit.out"; tally "$tmp/unit.out" unit

echo "== fuzz (corpus replay, ASan/UBSan)"
# shellcheck disable=SC2086
tests/fuzz/run.sh ${FUZZ_REPLAY:-} | tee "$tmp/fuzz.out"; tally "$tmp/fuzz.out" fuzz

echo "== docker (static)"
docker/check.sh | tee "$tmp/docker.out"; tally "$tmp/docker.out" docker

echo "== stack"
port=$(tests/stack.sh port)
if ! ROLESD_WORKERS=2 tests/stack.sh up "$tmp/stack" "$port" fast; then
    echo "stack did not come up"; echo "$total_pass passed, $((total_fail + 1)) failed"; exit 1
fi
# shellcheck disable=SC1091
. "$tmp/stack/env"

echo "== sql"
# a migrated template database for per-test copies: migrate a fresh one the same way rolesd does
psql -X -q -d postgres -c "CREATE DATABASE rolesd_template OWNER rolesd_owner" >/dev/null
ROLESD_ADMIN_DATABASE_URL="host=$PGHOST port=$PGPORT dbname=rolesd_template user=rolesd_owner" \
    "${ROLESD_BIN:-build/rolesd}" migrate 2>"$tmp/migrate.log" || cat "$tmp/migrate.log"
TEMPLATE_DB=rolesd_template tests/sql/run.sh | tee "$tmp/sql.out"; tally "$tmp/sql.out" sql "${PIPESTATUS[0]}"

echo "== e2e"
# pytest: Debian's pytest-3 runs /usr/bin/python3 whichever python3 comes first in PATH. tests/e2e/conftest.py
# prints the summary line. PYTEST_ADDOPTS passes options through: PYTEST_ADDOPTS="-k tokens" make test.
"$(command -v pytest-3 || echo pytest)" tests/e2e | tee "$tmp/e2e.out"; tally "$tmp/e2e.out" e2e "${PIPESTATUS[0]}"

echo "== e2e through PgBouncer (transaction mode)"
# The same stack with rolesd re-pointed at a PgBouncer in front of the same PostgreSQL (README
# "Deploying"). Tests marked direct_db exercise the database or the migrator, not the serving path:
# they ran above and are deselected here.
if ROLESD_POOLER=pgbouncer ROLESD_WORKERS=2 tests/stack.sh up "$tmp/stack" "$port" fast; then
    # shellcheck disable=SC1091
    . "$tmp/stack/env"
    "$(command -v pytest-3 || echo pytest)" tests/e2e -m "not direct_db" | sed -u 's/^e2e: /e2e-pgbouncer: /' \
        | tee "$tmp/e2e-pgbouncer.out"
    tally "$tmp/e2e-pgbouncer.out" e2e-pgbouncer "${PIPESTATUS[0]}"
else
    echo "e2e-pgbouncer: 0 passed, 1 failed (stack with PgBouncer did not come up)"; total_fail=$((total_fail + 1))
fi

if [ $total_fail -ne 0 ]; then
    echo "-- rolesd log (tail)"; tail -n 20 "$tmp/stack/log/rolesd.log"
fi
echo "$total_pass passed, $total_fail failed"
[ $total_fail -eq 0 ]
