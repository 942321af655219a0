"""pytest setup of the end-to-end suite: fixtures over harness.py, and the suite's summary line.

Run against the stack in the environment (`. DIR/env`, see harness.py):
    pytest-3 tests/e2e                      # everything (tests/run-all.sh does this in `make test`)
    pytest-3 tests/e2e -k "tokens or healthz"
Fixtures: `stack` (one harness.Stack for the session), `tenant` (a fresh tenant with an admin token),
`user` (a plain user of that tenant, with a token: user.client).
"""
import pytest

import harness


@pytest.fixture(scope="session")
def stack():
    return harness.Stack()


@pytest.fixture
def tenant(stack):
    return stack.new_tenant()


@pytest.fixture
def user(tenant):
    return tenant.new_user("Sam")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Prints "e2e: N passed, N failed" for tests/run-all.sh. Errors (collection, fixtures) are failures,
    and so is a run that ends badly without one: no test collected (exit 5), interrupted, usage error."""
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    if exitstatus != 0 and failed == 0:
        failed = 1
    terminalreporter.write_line("e2e: %d passed, %d failed" % (passed, failed))
