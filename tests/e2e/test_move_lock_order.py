"""A move of an account and a concurrent override write do not deadlock.

An override write takes the tenant's stored-states lock in its trigger, and then the FOR KEY SHARE lock on
the accounts it stores states for (the role_states foreign key). A move (PUT /api/v1/accounts/:id with
account[parent_account_id]) locks the account row, then its trigger waits for the stored-states lock. With
the row locked FOR UPDATE the two waited for each other (PostgreSQL's "deadlock detected": a 409 to one of
them; a model check with concurrent writes and moves hit it); FOR NO KEY UPDATE, which is what the UPDATE
itself takes, lets the key-share lock through. The writer's side is played here by a psql session, so the
order of the locks is fixed.
"""
import threading

import pytest

from accounts_helpers import sub_account
from harness import PsqlSession as Session, wait_until

pytestmark = pytest.mark.direct_db  # a psql session holds PostgreSQL locks itself


def test_move_while_a_writer_holds_the_states_lock(stack, tenant):
    t = tenant
    a = sub_account(t, name="A")
    b = sub_account(t, name="B")
    m = sub_account(t, a, name="M")
    s = Session()
    try:
        # the writer's trigger: the stored-states lock first
        out = s.run("SELECT set_config('rolesd.tenant_id', '%d', false);"
                    " BEGIN; SELECT pg_advisory_xact_lock(hashtextextended('rolesd.role_states', %d));"
                    % (t.id, t.id), "LOCKED")
        assert "ERROR" not in out, out
        moved = {}
        th = threading.Thread(target=lambda: moved.update(
            r=t.admin.put("/api/v1/accounts/%d" % m, form={"account[parent_account_id]": b})))
        th.start()
        # the move has locked M's row and waits for the stored-states lock
        assert wait_until(lambda: stack.sql(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)")[0][0] == "t")
        # the writer's foreign-key check on M, then its commit
        out = s.run("SELECT 1 FROM accounts WHERE tenant_id = %d AND id = %d FOR KEY SHARE; COMMIT;" % (t.id, m),
                    "DONE")
        th.join(30)
        assert "deadlock" not in out and "ERROR" not in out, out
        assert moved["r"].status == 200, moved["r"]
        assert moved["r"].json()["parent_account_id"] == b
    finally:
        s.close()
