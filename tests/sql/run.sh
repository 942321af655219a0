#!/usr/bin/env bash
# SQL tests: every tests/sql/test_*.sql runs against its own fresh copy of a migrated template database,
# connected as a superuser (tests SET ROLE rolesd_app to check what the service can see).
# Usage: tests/sql/run.sh  (needs PGHOST/PGPORT/PGUSER of a superuser, and TEMPLATE_DB migrated).
# Prints TAP-ish lines and a closing "sql: N passed, N failed" line; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
template=${TEMPLATE_DB:?TEMPLATE_DB must name a migrated database}
pass=0 fail=0
for f in "$here"/test_*.sql; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .sql)
    db="t_${name}_$$"
    if ! psql -q -X -d postgres -c "CREATE DATABASE \"$db\" TEMPLATE \"$template\"" >/dev/null; then
        echo "not ok - $name: cannot create database"; fail=$((fail + 1)); continue
    fi
    out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -f "$here/_tap.sql" -f "$f" 2>&1)
    rc=$?
    while IFS= read -r line; do
        case "$line" in
            "ok - "*) pass=$((pass + 1)) ;;
            "not ok - "*) fail=$((fail + 1)); echo "$name: $line" ;;
        esac
    done <<< "$out"
    if [ $rc -ne 0 ]; then
        fail=$((fail + 1))
        echo "not ok - $name: psql exited $rc"; echo "$out" | grep -v '^ok - ' | tail -n 15
    fi
    psql -q -X -d postgres -c "DROP DATABASE \"$db\"" >/dev/null
done
echo "sql: $pass passed, $fail failed"
[ $fail -eq 0 ]
