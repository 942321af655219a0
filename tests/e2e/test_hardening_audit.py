"""Findings of the hardening audit (bad input gets a clear 4xx and changes nothing; no secret in storage or
any log; nobody hands out more than they hold), one test per finding, each failing before its fix."""
import os
import time

import harness


def test_access_token_parameter_never_reaches_postgresql(stack):
    # api2 handlers pass the whole parameter tree to SQL: the access_token went with it, and a statement
    # log (log_min_duration_statement, common in production) recorded the token in PostgreSQL's log
    t = stack.new_tenant()
    anon = stack.client(t.host)
    log = os.path.join(stack.dir, "log", "postgres.log")
    start = os.path.getsize(log)
    stack.sql("ALTER SYSTEM SET log_min_duration_statement = 0")
    stack.sql("SELECT pg_reload_conf()")
    try:
        time.sleep(0.5)  # the backends read the configuration at their next command
        for path in ("/api2/collections", "/api2/collections/tree", "/api2/groups", "/api2/users",
                     "/api2/memberships", "/api2/roles"):
            r = anon.get(path, params={"access_token": t.token})
            assert r.status == 200, (path, r)
        r = anon.post("/api2/groups", form={"access_token": t.token, "display_name": "Form"})
        assert r.status == 200, r
        r = anon.post("/api2/groups", json_body={"access_token": t.token, "display_name": "Json"})
        assert r.status == 200, r
    finally:
        stack.sql("ALTER SYSTEM RESET log_min_duration_statement")
        stack.sql("SELECT pg_reload_conf()")
    with open(log, "rb") as f:
        f.seek(start)
        text = f.read()
    assert b"parameters:" in text, "statement logging did not take effect"
    assert t.token.encode() not in text


def test_access_token_of_another_shape_is_a_bad_token(stack):
    # access_token[]=..., access_token[x]=... or a JSON number used to be dropped silently: the request ran
    # as anonymous (api2 collections: the Public group's 200), not as the 401 of a bad token
    t = stack.new_tenant()
    anon = stack.client(t.host)
    for query in ("access_token[]=" + t.token, "access_token[x]=" + t.token):
        r = anon.get("/api2/collections?" + query)
        assert r.status == 401 and r.json() == {"message": "Invalid access token."}, (query, r)
        r = anon.get("/api/v1/users/self?" + query)
        assert r.status == 401 and r.json() == {"errors": [{"message": "Invalid access token."}]}, (query, r)
    r = anon.post("/api2/groups", json_body={"access_token": 12345, "display_name": "X"})
    assert r.status == 401, r
    r = anon.post("/api2/groups", json_body={"access_token": [t.token], "display_name": "X"})
    assert r.status == 401, r
    assert t.sql("SELECT count(*) FROM api2_groups WHERE tenant_id = %d AND display_name = 'X'" % t.id)[-1] == ["0"]
    # the string form still works, in the query and in a body
    assert anon.get("/api/v1/users/self?access_token=" + t.token).status == 200
    assert anon.post("/api2/groups", json_body={"access_token": t.token, "display_name": "Y"}).status == 200
