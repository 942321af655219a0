"""Deactivating or activating a role does not lock its memberships.

The memberships' stored facts (account_users.live, role_type; 0027) were recomputed for every membership of a
role whenever its state changed, although a deactivated role's memberships stay live (Canvas' Deactivate a
role). That update locked each membership of the role; a sub-account delete locks the memberships on its
account (it ends them, then recomputes their facts), so a deactivate and a delete sharing memberships locked
them in different orders and one of them failed with "deadlock detected" (a 409; a race of three found it in
most rounds). A psql session plays the delete here, holding one membership of the role locked: the deactivate
and the activate must answer without waiting for it.
"""
import threading

import pytest

from accounts_helpers import member, sub_account
from harness import PsqlSession as Session, wait_until

pytestmark = pytest.mark.direct_db  # a psql session holds PostgreSQL locks itself


def answered_while_locked(stack, t, request):
    got = {}
    th = threading.Thread(target=lambda: got.update(r=request()))
    th.start()
    waited = wait_until(lambda: not th.is_alive() or stack.sql(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype IN ('tuple', 'transactionid') AND NOT granted)")[0][0] == "t")
    blocked = th.is_alive()
    return waited and not blocked, th, got


def test_deactivate_and_activate_do_not_wait_for_a_locked_membership(stack, tenant):
    t = tenant
    x = sub_account(t, name="X")
    u = t.new_user("Holder")
    r = t.admin.post("/api/v1/accounts/%d/roles" % t.root_account_id, form={"label": "Held"})
    assert r.status == 200, r
    rid = r.json()["id"]
    m = member(t, x, u.id, rid)
    s = Session()
    try:
        # the delete's first step on X: its memberships ended (locked), uncommitted
        out = s.run("SELECT set_config('rolesd.tenant_id', '%d', false); BEGIN;"
                    " UPDATE account_users SET workflow_state = 'deleted' WHERE tenant_id = %d AND id = %d;"
                    % (t.id, t.id, m), "LOCKED")
        assert "ERROR" not in out, out
        ok, th, got = answered_while_locked(stack, t, lambda: t.admin.delete(
            "/api/v1/accounts/%d/roles/%d" % (t.root_account_id, rid)))
        if not ok:
            s.run("ROLLBACK;", "DONE")
            th.join(30)
        assert ok, "the deactivate waited for the membership's lock"
        th.join(30)
        assert got["r"].status == 200 and got["r"].json()["workflow_state"] == "inactive", got["r"]
        ok, th, got = answered_while_locked(stack, t, lambda: t.admin.post(
            "/api/v1/accounts/%d/roles/%d/activate" % (t.root_account_id, rid)))
        if not ok:
            s.run("ROLLBACK;", "DONE")
            th.join(30)
        assert ok, "the activate waited for the membership's lock"
        th.join(30)
        assert got["r"].status == 200 and got["r"].json()["workflow_state"] == "active", got["r"]
        out = s.run("COMMIT;", "DONE")
        assert "ERROR" not in out, out
    finally:
        s.close()
    # the facts are still what they compute to: the ended membership is not live, a live one on X is
    assert t.sql("SELECT live FROM account_users WHERE tenant_id = %d AND id = %d" % (t.id, m))[-1] == ["f"]
    m2 = member(t, x, u.id, rid)
    r = t.admin.delete("/api/v1/accounts/%d/roles/%d" % (t.root_account_id, rid))
    assert r.status == 200, r
    assert t.sql("SELECT live, role_type FROM account_users WHERE tenant_id = %d AND id = %d" % (t.id, m2))[-1] == \
        ["t", "AccountMembership"]
