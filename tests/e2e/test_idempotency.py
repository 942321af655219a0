"""Idempotency-Key on Canvas and api2 writes: the same key and request get the first answer and write
nothing again (also after a database restart, and for concurrent retries); the same key with another
request is a 422; keys are per tenant; answers of 500 and above are not kept."""
import os
import subprocess
import threading
import time
import uuid

import pytest

POOLER = os.environ.get("ROLESD_POOLER") == "pgbouncer"


def key():
    return "k-" + uuid.uuid4().hex


def create(t, name, k):
    return t.admin.post("/api2/roles", json_body={"display_name": name, "permissions": ["collection-read"]},
                        headers={"Idempotency-Key": k})


def count_named(t, name):
    return int(t.sql("SELECT count(*) FROM api2_roles WHERE tenant_id = %d AND display_name = '%s'"
                     % (t.id, name))[-1][0])


def test_retry_gets_the_first_answer_and_writes_nothing(stack):
    t = stack.new_tenant()
    k = key()
    a = create(t, "Once", k)
    assert a.status == 200 and a.header("Idempotent-Replayed") is None, a
    b = create(t, "Once", k)
    assert b.status == 200 and b.body == a.body and b.header("Location") == a.header("Location"), (a, b)
    assert b.header("Idempotent-Replayed") == "true"
    assert count_named(t, "Once") == 1


def test_patch_is_a_write_too(stack):
    """api2's PATCH (collections, groups, memberships) is a write like POST, PUT and DELETE: a retry is a
    replay, and the key with another body a 422."""
    t = stack.new_tenant()
    site = t.admin.get("/api2/collections").json()["items"][0]["id"]
    k = key()

    def patch(name):
        return t.admin.request("PATCH", "/api2/collections/%s" % site, json_body={"display_name": name},
                               headers={"Idempotency-Key": k})

    a = patch("Renamed once")
    assert a.status == 200 and a.header("Idempotent-Replayed") is None, a
    t.admin.request("PATCH", "/api2/collections/%s" % site, json_body={"display_name": "Changed since"})
    b = patch("Renamed once")
    assert b.status == 200 and b.header("Idempotent-Replayed") == "true" and b.body == a.body, b
    assert t.admin.get("/api2/collections/%s" % site).json()["display_name"] == "Changed since", "written again"
    c = patch("Another name")
    assert c.status == 422, c


def test_same_key_other_body_is_422(stack):
    t = stack.new_tenant()
    k = key()
    assert create(t, "First", k).status == 200
    r = create(t, "Second", k)
    assert r.status == 422, r
    assert r.json()["errors"][0]["field"] == "Idempotency-Key", r
    assert count_named(t, "Second") == 0
    # Canvas: its own error shape
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Audit"}, headers={"Idempotency-Key": k})
    assert r.status == 422 and "Idempotency-Key" in r.json()["message"], r


def test_canvas_write_and_error_answers_are_kept(stack):
    t = stack.new_tenant()
    k = key()
    a = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Auditor"}, headers={"Idempotency-Key": k})
    assert a.status == 200, a
    b = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Auditor"}, headers={"Idempotency-Key": k})
    assert b.status == 200 and b.json()["id"] == a.json()["id"] and b.header("Idempotent-Replayed") == "true"
    rows = t.sql("SELECT count(*) FROM roles WHERE tenant_id = %d AND name = 'Auditor'" % t.id)
    assert int(rows[-1][0]) == 1
    # a 4xx answer is an answer too: the retry gets it again
    k2 = key()
    e1 = t.admin.post("/api/v1/accounts/self/roles", form={"label": ""}, headers={"Idempotency-Key": k2})
    e2 = t.admin.post("/api/v1/accounts/self/roles", form={"label": ""}, headers={"Idempotency-Key": k2})
    assert e1.status == e2.status and e1.status // 100 == 4 and e1.body == e2.body, (e1, e2)


def test_an_anonymous_attempt_does_not_use_up_the_key(stack):
    """A write sent without a token (or with one that failed) is refused before anything runs; it must not
    claim the key, or the client's retry with its token would be a 422 until the key expired."""
    t = stack.new_tenant()
    k = key()
    anon = stack.client(t.host)
    for _ in range(2):
        r = anon.post("/api/v1/accounts/self/roles", form={"label": "Late"}, headers={"Idempotency-Key": k})
        assert r.status == 401 and r.header("Idempotent-Replayed") is None, r
    r = anon.post("/api2/roles", json_body={"display_name": "Late", "permissions": []}, headers={"Idempotency-Key": k})
    assert r.status == 401, r
    a = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Late"}, headers={"Idempotency-Key": k})
    assert a.status == 200 and a.header("Idempotent-Replayed") is None, a
    b = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Late"}, headers={"Idempotency-Key": k})
    assert b.status == 200 and b.header("Idempotent-Replayed") == "true" and b.body == a.body, b


def test_an_expired_key_is_a_new_key_however_many_expired(stack):
    """Expired keys are removed as keys are used, at most 100 a call; the key in hand is never one of the
    survivors: its stored answer is out of date and another body is no mismatch."""
    t = stack.new_tenant()
    k = key()
    t.sql("INSERT INTO idempotency_keys (tenant_id, key, user_id, fingerprint, status, headers, body, expires_at)"
          " SELECT %d, 'old-' || n, %d, 'x', 200, '', '{}', now() - interval '1 day' FROM generate_series(1, 150) n;"
          " INSERT INTO idempotency_keys (tenant_id, key, user_id, fingerprint, status, headers, body, expires_at)"
          " VALUES (%d, '%s', %d, 'another request', 200, '', '{\"stale\":true}', now() - interval '1 day')"
          % (t.id, t.admin_user_id, t.id, k, t.admin_user_id))
    r = create(t, "After expiry", k)
    assert r.status == 200 and r.header("Idempotent-Replayed") is None and "stale" not in r.text, r
    assert count_named(t, "After expiry") == 1


def test_a_new_token_is_never_kept_with_its_key(stack):
    """Only a token's SHA-256 is stored: the answer kept for a replay leaves the token out (it was shown
    once); the replay still names the token's id, so a client that lost it can revoke it."""
    t = stack.new_tenant()
    k = key()
    a = t.admin.post("/api/v1/users/self/tokens", form={"token[purpose]": "sync"}, headers={"Idempotency-Key": k})
    assert a.status == 200 and a.json()["token"], a
    tok = a.json()["token"]
    kept = t.sql("SELECT count(*) FROM idempotency_keys WHERE tenant_id = %d AND body LIKE '%%%s%%'" % (t.id, tok))
    assert kept[-1][0] == "0", "the token is stored in idempotency_keys"
    b = t.admin.post("/api/v1/users/self/tokens", form={"token[purpose]": "sync"}, headers={"Idempotency-Key": k})
    assert b.status == 200 and b.header("Idempotent-Replayed") == "true", b
    body = b.json()
    assert body["id"] == a.json()["id"] and "token" not in body and "visible_token" not in body, body
    assert tok not in b.text
    assert len(t.admin.get("/api/v1/users/self/tokens").json()) == 2, "written once (and the tenant's own)"


def test_keys_are_per_tenant_and_per_user(stack):
    t1, t2 = stack.new_tenant(), stack.new_tenant()
    k = key()
    a = create(t1, "Shared Key", k)
    b = create(t2, "Shared Key", k)
    assert a.status == b.status == 200 and a.json()["id"] != b.json()["id"]
    other = t1.new_user("Other Admin", is_admin=True)
    r = other.client.post("/api2/roles", json_body={"display_name": "Shared Key", "permissions": ["collection-read"]},
                          headers={"Idempotency-Key": k})
    assert r.status == 422, r


def test_malformed_key_is_400_and_reads_ignore_the_header(stack):
    t = stack.new_tenant()
    r = create(t, "Bad Key", "x" * 256)
    assert r.status == 400, r
    r = t.admin.get("/api2/roles/count", headers={"Idempotency-Key": key()})
    assert r.status == 200, r


def test_concurrent_retries_write_once(stack):
    t = stack.new_tenant()
    k = key()
    results = []

    def go():
        r = create(t, "Racing", k)
        results.append((r.status, r.body))

    threads = [threading.Thread(target=go) for _ in range(5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert len(results) == 5 and all(s == 200 for s, _ in results), results
    assert len({b for _, b in results}) == 1
    assert count_named(t, "Racing") == 1


@pytest.mark.skipif(POOLER, reason="restarts PostgreSQL under the pooler; the direct run covers it")
def test_kept_across_a_database_restart(stack):
    t = stack.new_tenant()
    k = key()
    a = create(t, "Durable", k)
    assert a.status == 200
    with open(os.path.join(stack.dir, "pgdata")) as f:
        pgdata = f.read().strip()
    bindir = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
    pg_ctl = "/usr/lib/postgresql/%s/bin/pg_ctl" % bindir
    as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run(as_pg + [pg_ctl, "-D", pgdata, "-m", "fast", "-w", "-l", os.path.join(stack.dir, "log", "postgres.log"),
                            "restart"], check=True, capture_output=True)
    end = time.time() + 15
    b = create(t, "Durable", k)
    while b.status == 503 and time.time() < end:
        time.sleep(0.2)
        b = create(t, "Durable", k)
    assert b.status == 200 and b.body == a.body and b.header("Idempotent-Replayed") == "true", b
    assert count_named(t, "Durable") == 1
