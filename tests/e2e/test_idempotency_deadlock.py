"""A write that lost a deadlock (409 "deadlock detected") is not kept under its Idempotency-Key.

Answers of 4xx are kept with the key, so a retry replays them; a deadlock's 409 is not the request's answer
but PostgreSQL's choice of victim, and the retry it calls for got the stored 409 again (Idempotent-Replayed)
until the key expired. A psql session makes the deadlock here: it holds the tenant's stored-states lock that
an override write waits for while it holds the role's row, then asks for a key-share lock on that row.
"""
import threading
import uuid

import pytest

from harness import PsqlSession as Session, wait_until

pytestmark = pytest.mark.direct_db  # a psql session holds PostgreSQL locks itself


def test_a_deadlock_409_is_not_replayed(stack, tenant):
    t = tenant
    r = t.admin.post("/api/v1/accounts/%d/roles" % t.root_account_id, form={"label": "Contested"})
    assert r.status == 200, r
    rid = r.json()["id"]
    key = "deadlock-" + uuid.uuid4().hex
    path = "/api/v1/accounts/%d/roles/%d" % (t.root_account_id, rid)
    form = {"permissions[manage_wiki][explicit]": "1", "permissions[manage_wiki][enabled]": "0"}

    def put():
        return t.admin.put(path, form=form, headers={"Idempotency-Key": key})

    s = Session()
    try:
        # this session waits long before it looks for a deadlock, so the request is the victim
        out = s.run("SET deadlock_timeout = '30s'; SELECT set_config('rolesd.tenant_id', '%d', false); BEGIN;"
                    " SELECT pg_advisory_xact_lock(hashtextextended('rolesd.role_states', %d));" % (t.id, t.id),
                    "LOCKED")
        assert "ERROR" not in out, out
        got = {}
        th = threading.Thread(target=lambda: got.update(r=put()))
        th.start()
        # the write holds the role's row and waits for the stored-states lock
        assert wait_until(lambda: stack.sql(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)")[0][0] == "t")
        out = s.run("SELECT 1 FROM roles WHERE tenant_id = %d AND id = %d FOR KEY SHARE; COMMIT;" % (t.id, rid),
                    "DONE")
        assert "ERROR" not in out, out
        th.join(30)
    finally:
        s.close()
    first = got["r"]
    assert first.status == 409 and "deadlock" in first.text, first
    again = put()
    assert again.status == 200, again
    assert again.header("Idempotent-Replayed") is None
    assert t.sql("SELECT enabled FROM role_overrides WHERE tenant_id = %d AND role_id = %d AND permission = 'manage_wiki_create'"
                 % (t.id, rid))[-1] == ["f"]
    replay = put()
    assert replay.status == 200 and replay.header("Idempotent-Replayed") == "true", replay
