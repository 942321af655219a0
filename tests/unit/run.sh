#!/usr/bin/env bash
# Runs the cmocka unit test binaries given as arguments (built with ASan/UBSan by the Makefile) and
# prints "unit: N passed, N failed". cmocka's own summary lines are kept for the failing binaries.
set -u
pass=0 fail=0
for bin in "$@"; do
    out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          CMOCKA_MESSAGE_OUTPUT=stdout "$bin" 2>&1)
    rc=$?
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
    pass=$((pass + ${p:-0}))
    if [ $rc -ne 0 ]; then
        fail=$((fail + ${f:-1}))
        [ -z "$f" ] && [ -z "$p" ] || true
        echo "not ok - $(basename "$bin") (exit $rc)"
        printf '%s\n' "$out" | grep -v '^\[       OK \]\|^\[ RUN      \]' | tail -n 30
    else
        echo "ok - $(basename "$bin"): ${p:-0} tests"
    fi
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
