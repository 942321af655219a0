"""A value that must be unique, taken by a concurrent write, is the same 400 as when it was taken before.

Account SIS ids and user logins and SIS ids are checked with a query and then written; a write that takes
the value between the two (and commits while the second waits on the unique index) made the second fail with
PostgreSQL's unique violation, a 409 `duplicate key value violates unique constraint "accounts_sis"`. The
concurrent writer is played here by a psql session holding its uncommitted row, so the order is fixed.
"""
import threading

import pytest

from accounts_helpers import sub_account
from harness import PsqlSession as Session, q, wait_until

pytestmark = pytest.mark.direct_db  # a psql session holds PostgreSQL locks itself


def while_uncommitted(stack, t, sql, request):
    """Runs sql in a psql transaction left open, sends request() (which waits on the unique index), then
    commits; returns request's response."""
    s = Session()
    try:
        out = s.run("SELECT set_config('rolesd.tenant_id', '%d', false); BEGIN; %s" % (t.id, sql), "HELD")
        assert "ERROR" not in out, out
        got = {}
        th = threading.Thread(target=lambda: got.update(r=request()))
        th.start()
        assert wait_until(lambda: stack.sql("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'transactionid'"
                                            " AND NOT granted)")[0][0] == "t" or not th.is_alive())
        out = s.run("COMMIT;", "DONE")
        assert "ERROR" not in out, out
        th.join(30)
        return got["r"]
    finally:
        s.close()


def taken(r, attr, message, scope=None):
    assert r.status == 400, r
    err = {attr: [{"attribute": attr, "type": "taken", "message": message}]}
    if scope == "pseudonym":
        err = {"user": {}, "pseudonym": err}
    assert r.json() == {"errors": err}, r


def test_account_sis_id_taken_concurrently_by_another_account(stack, tenant):
    t = tenant
    a = sub_account(t, name="A")
    b = sub_account(t, name="B")
    r = while_uncommitted(stack, t, "UPDATE accounts SET sis_account_id = 'RACE-1' WHERE tenant_id = %d AND id = %d;"
                          % (t.id, a),
                          lambda: t.admin.put("/api/v1/accounts/%d" % b, form={"account[sis_account_id]": "RACE-1"}))
    taken(r, "sis_account_id", 'SIS ID "RACE-1" is already in use')
    assert t.sql("SELECT coalesce(sis_account_id, '-') FROM accounts WHERE tenant_id = %d AND id = %d" % (t.id, b))[-1] == ["-"]


def test_sub_account_create_with_a_sis_id_taken_concurrently(stack, tenant):
    t = tenant
    a = sub_account(t, name="A")
    r = while_uncommitted(stack, t, "UPDATE accounts SET sis_account_id = 'RACE-2' WHERE tenant_id = %d AND id = %d;"
                          % (t.id, a),
                          lambda: t.admin.post("/api/v1/accounts/%d/sub_accounts" % t.root_account_id,
                                               form={"account[name]": "C", "account[sis_account_id]": "RACE-2"}))
    taken(r, "sis_account_id", 'SIS ID "RACE-2" is already in use')
    assert t.sql("SELECT count(*) FROM accounts WHERE tenant_id = %d AND name = 'C'" % t.id)[-1] == ["0"]


def insert_user(t, login, sis):
    return ("INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, sis_user_id, account_id)"
            " VALUES (%d, 'Other', 'Other', 'Other', %s, %s, %d);"
            % (t.id, q(login), q(sis) if sis else "NULL", t.root_account_id))


def test_user_login_taken_concurrently(stack, tenant):
    t = tenant
    r = while_uncommitted(stack, t, insert_user(t, "race-login", None),
                          lambda: t.admin.post("/api/v1/accounts/self/users",
                                               form={"user[name]": "Late", "pseudonym[unique_id]": "Race-Login"}))
    taken(r, "unique_id", "ID already in use for this account and authentication provider", "pseudonym")


def test_user_sis_id_taken_concurrently(stack, tenant):
    t = tenant
    r = while_uncommitted(stack, t, insert_user(t, "race-other", "RACE-SIS"),
                          lambda: t.admin.post("/api/v1/accounts/self/users",
                                               form={"user[name]": "Late", "pseudonym[unique_id]": "race-mine",
                                                     "pseudonym[sis_user_id]": "RACE-SIS"}))
    taken(r, "sis_user_id", 'SIS ID "RACE-SIS" is already in use', "pseudonym")
    assert t.sql("SELECT count(*) FROM users WHERE tenant_id = %d AND login_id = 'race-mine'" % t.id)[-1] == ["0"]
