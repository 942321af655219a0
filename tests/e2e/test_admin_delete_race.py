"""An admin added while its account is being deleted does not outlive the account.

DELETE /api/v1/accounts/:account_id/sub_accounts/:id ends the account's admin memberships with it. An admin
add (POST /api/v1/accounts/:id/admins) only took its insert's foreign-key lock (key share) on the account,
which a delete's row lock does not conflict with: an add that committed while the delete ran was missed by
the delete's update of the memberships (an active membership on a deleted account), and an add that ran
while the delete was uncommitted read the account as active and answered 200. Now the add holds the
account FOR SHARE and the delete locks it FOR NO KEY UPDATE before it ends the memberships. Each side is
played here by a psql session, so the order of the locks is fixed.
"""
import threading

import pytest

from accounts_helpers import sub_account
from harness import PsqlSession as Session, wait_until

pytestmark = pytest.mark.direct_db  # a psql session holds PostgreSQL locks itself


def waiting(stack):
    """Some backend waits for a row lock (a tuple or transaction lock not granted)."""
    return stack.sql("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype IN ('tuple', 'transactionid')"
                     " AND NOT granted)")[0][0] == "t"


def memberships(t, account, user):
    return [r[0] for r in t.sql("SELECT workflow_state FROM account_users WHERE tenant_id = %d AND account_id = %d"
                                " AND user_id = %d" % (t.id, account, user))[1:]]


def test_add_while_a_delete_is_uncommitted_waits_and_finds_the_account_gone(stack, tenant):
    t = tenant
    s_id = sub_account(t, name="Doomed")
    u = t.new_user("Late admin")
    s = Session()
    try:
        # the delete's updates, uncommitted
        out = s.run("SELECT set_config('rolesd.tenant_id', '%d', false); BEGIN;"
                    " UPDATE account_users SET workflow_state = 'deleted' WHERE tenant_id = %d AND account_id = %d;"
                    " UPDATE accounts SET workflow_state = 'deleted' WHERE tenant_id = %d AND id = %d;"
                    % (t.id, t.id, s_id, t.id, s_id), "DELETED")
        assert "ERROR" not in out, out
        added = {}
        th = threading.Thread(target=lambda: added.update(
            r=t.admin.post("/api/v1/accounts/%d/admins" % s_id, form={"user_id": u.id})))
        th.start()
        # the add waits for the delete (it answered 200 at once, from a snapshot with the account active)
        assert wait_until(lambda: waiting(stack) or not th.is_alive())
        assert th.is_alive(), added
        out = s.run("COMMIT;", "DONE")
        assert "ERROR" not in out, out
        th.join(30)
        assert added["r"].status == 404, added["r"]
        assert memberships(t, s_id, u.id) == []
    finally:
        s.close()


def test_delete_while_an_add_is_uncommitted_ends_that_membership(stack, tenant):
    t = tenant
    s_id = sub_account(t, name="Doomed")
    u = t.new_user("Early admin")
    aa = int(t.sql("SELECT id FROM roles WHERE tenant_id = %d AND workflow_state = 'built_in'"
                   " AND name = 'AccountAdmin'" % t.id)[-1][0])
    s = Session()
    try:
        # the add's work, uncommitted: its lock on the account, then its membership
        out = s.run("SELECT set_config('rolesd.tenant_id', '%d', false); BEGIN;"
                    " SELECT 1 FROM accounts WHERE tenant_id = %d AND id = %d FOR SHARE;"
                    " INSERT INTO account_users (tenant_id, account_id, user_id, role_id) VALUES (%d, %d, %d, %d);"
                    % (t.id, t.id, s_id, t.id, s_id, u.id, aa), "ADDED")
        assert "ERROR" not in out, out
        deleted = {}
        th = threading.Thread(target=lambda: deleted.update(
            r=t.admin.delete("/api/v1/accounts/%d/sub_accounts/%d" % (t.root_account_id, s_id))))
        th.start()
        assert wait_until(lambda: waiting(stack) or not th.is_alive())
        out = s.run("COMMIT;", "DONE")
        assert "ERROR" not in out, out
        th.join(30)
        assert deleted["r"].status == 200, deleted["r"]
        # the membership committed before the delete ended the account's memberships: it ended too
        assert memberships(t, s_id, u.id) == ["deleted"]
        r = t.admin.get("/api/v1/accounts/%d/admins" % s_id)
        assert r.status == 404, r
    finally:
        s.close()
