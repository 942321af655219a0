#!/usr/bin/env bash
# Replays the checked-in corpus of each fuzz target under ASan/UBSan: `make test` passes the replay
# binaries (built by the Makefile as build/fuzz/replay/fuzz_<target>, main from tests/fuzz/replay.c).
# Each file of tests/fuzz/corpus/<target>/ is one test. Prints "fuzz: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
for bin in "$@"; do
    t=$(basename "$bin"); t=${t#fuzz_}
    dir="$here/corpus/$t"
    n=0 bad=0
    for f in "$dir"/*; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        if out=$(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
                 "$bin" "$f" 2>&1); then
            pass=$((pass + 1))
        else
            fail=$((fail + 1)); bad=$((bad + 1))
            echo "not ok - fuzz_$t $(basename "$f")"
            printf '%s\n' "$out" | tail -n 20
        fi
    done
    if [ $n -eq 0 ]; then
        fail=$((fail + 1)); echo "not ok - fuzz_$t: no corpus in $dir"
    elif [ $bad -eq 0 ]; then
        echo "ok - fuzz_$t: $n inputs"
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
