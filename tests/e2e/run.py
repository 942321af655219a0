#!/usr/bin/env python3
"""Runs every tests/e2e/test_*.py against the stack in the environment (see harness.py).

Each module defines test_<name>(stack) functions; a failing assert or exception fails that test only.
Usage: tests/e2e/run.py [substring ...]  (only tests whose "module::name" contains one of them)
Prints "ok - ..." / "not ok - ..." lines and a closing "e2e: N passed, N failed"; exits 1 on any failure.
"""
import importlib.util
import os
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402


def main():
    wanted = sys.argv[1:]
    stack = harness.Stack()
    passed = failed = 0
    for fname in sorted(os.listdir(HERE)):
        if not (fname.startswith("test_") and fname.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(fname[:-3], os.path.join(HERE, fname))
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception:
            failed += 1
            print("not ok - %s: import failed\n%s" % (fname, traceback.format_exc()))
            continue
        for name in [n for n in vars(mod) if n.startswith("test_") and callable(getattr(mod, n))]:
            label = "%s::%s" % (fname[:-3], name)
            if wanted and not any(w in label for w in wanted):
                continue
            try:
                getattr(mod, name)(stack)
                passed += 1
                print("ok - " + label)
            except Exception:
                failed += 1
                print("not ok - " + label)
                print("    " + traceback.format_exc().strip().replace("\n", "\n    "))
    print("e2e: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
