#!/usr/bin/env bash
# SQL tests (pgTAP, run by pg_prove): every tests/sql/test_*.sql runs against its own fresh copy of a
# migrated template database, connected as a superuser (tests SET ROLE rolesd_app to check what the
# service can see). Each file is wrapped in `SELECT no_plan();` ... `SELECT * FROM finish();`.
# Usage: tests/sql/run.sh [test_NAME.sql ...]  (default: all; needs PGHOST/PGPORT/PGUSER of a superuser,
# and TEMPLATE_DB migrated). Prints pg_prove's report per file and a closing "sql: N passed, N failed"
# line; a file whose run breaks off (psql error, no plan) counts one more failure. Exits non-zero on any.
set -u
here=$(cd "$(dirname "$0")" && pwd)
template=${TEMPLATE_DB:?TEMPLATE_DB must name a migrated database}
pass=0 fail=0
if [ $# -gt 0 ]; then files=("$@"); else files=("$here"/test_*.sql); fi
for f in "${files[@]}"; do
    [ -e "$f" ] || { [ $# -gt 0 ] && { echo "not ok - $f: no such file"; fail=$((fail + 1)); }; continue; }
    name=$(basename "$f" .sql)
    db="t_${name}_$$"
    # The extension goes into each copy (not the template, which `rolesd migrate` owns), as the superuser,
    # into schema public: rolesd_app may use public and execute its functions. pgTAP keeps its state in
    # temp tables and sequences that plan() creates as the session user and grants to PUBLIC, so the
    # assertions keep working after a test's `SET ROLE rolesd_app`.
    if ! psql -q -X -d postgres -c "CREATE DATABASE \"$db\" TEMPLATE \"$template\"" >/dev/null ||
        ! psql -q -X -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION pgtap" >/dev/null; then
        echo "not ok - $name: cannot create database"; fail=$((fail + 1)); continue
    fi
    out=$(pg_prove --norc --nocolor --failures --comments -d "$db" "$f" 2>&1)
    rc=$?
    echo "$out"
    # pg_prove's last summary: "Files=1, Tests=N, ..." and, on failures, "(Wstat: W Tests: N Failed: F)".
    tests=$(echo "$out" | sed -nE 's/^Files=[0-9]+, Tests=([0-9]+),.*/\1/p' | tail -n 1)
    failed=$(echo "$out" | sed -nE 's/.*\(Wstat: [0-9]+ Tests: [0-9]+ Failed: ([0-9]+)\).*/\1/p' | tail -n 1)
    tests=${tests:-0} failed=${failed:-0}
    pass=$((pass + tests - failed)); fail=$((fail + failed))
    if [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; then
        fail=$((fail + 1)); echo "not ok - $name: pg_prove exited $rc without a failed test (run broke off)"
    fi
    psql -q -X -d postgres -c "DROP DATABASE \"$db\"" >/dev/null
done
echo "sql: $pass passed, $fail failed"
[ $fail -eq 0 ]
