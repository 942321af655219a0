"""Findings of the hardening audit (bad input gets a clear 4xx and changes nothing; no secret in storage or
any log; nobody hands out more than they hold), one test per finding, each failing before its fix."""
import json
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


def test_token_create_with_idempotency_key_stores_no_token(stack):
    # the stored answer of an Idempotency-Key held the new token in clear (tokens are kept as SHA-256 only)
    t = stack.new_tenant()
    k = {"Idempotency-Key": "tok-" + t.host}
    a = t.admin.post("/api/v1/users/self/tokens", form={"token[purpose]": "sync"}, headers=k)
    assert a.status == 200 and len(a.json()["token"]) == 64, a
    secret = a.json()["token"]
    stored = t.sql("SELECT body, headers FROM idempotency_keys WHERE tenant_id = %d" % t.id)[1:]
    assert stored and secret not in "".join(stored[0]), stored
    # the token works; a retry answers the same token object, without the secret, and mints nothing
    assert stack.client(t.host, secret).get("/api/v1/users/self").status == 200
    b = t.admin.post("/api/v1/users/self/tokens", form={"token[purpose]": "sync"}, headers=k)
    assert b.status == 200 and b.header("Idempotent-Replayed") == "true", b
    assert b.json()["id"] == a.json()["id"] and "token" not in b.json() and "visible_token" not in b.json(), b
    assert b.header("Cache-Control") == "no-store", b.headers
    assert t.sql("SELECT count(*) FROM access_tokens WHERE tenant_id = %d AND purpose = 'sync'" % t.id)[-1] == ["1"]


def test_dry_run_of_no_boolean_shape_is_400_and_writes_nothing(stack):
    # dry_run[]=true or {"dry_run": {...}} read as false: the client asked for a preview, the write was made
    from test_hostile_http import Unchanged
    t = stack.new_tenant()
    a = t.admin
    uid = a.post("/api/v1/accounts/self/users", form={"user[name]": "U", "pseudonym[unique_id]": "u1"}).json()["id"]
    with Unchanged(stack, t):
        r = a.post("/api/v1/accounts/self/admins", form=[("user_id", uid), ("dry_run[]", "true")])
        assert r.status == 400 and r.json() == {"message": "invalid parameter 'dry_run': expected a boolean"}, r
        r = a.put("/api/v1/accounts/self/roles/AccountAdmin", form=[("permissions[read_roster][explicit]", "1"),
                                                                    ("dry_run[x]", "1")])
        assert r.status == 400, r
        for dry in ([True], {"x": True}):
            r = a.post("/api2/roles", json_body={"display_name": "P", "permissions": [], "dry_run": dry})
            assert r.status == 400 and r.json() == {"message": "invalid parameter 'dry_run': expected a boolean"}, r
        r = a.delete("/api2/roles/1?dry_run[]=1")
        assert r.status == 400, r
    # the boolean forms still preview
    r = a.post("/api2/roles", json_body={"display_name": "P", "permissions": [], "dry_run": True})
    assert r.status == 200 and r.json()["effects"] == [], r
    assert a.post("/api/v1/accounts/self/admins", form={"user_id": uid, "dry_run": "1"}).status == 200
    assert t.sql("SELECT count(*) FROM account_users WHERE tenant_id = %d AND user_id = %s" % (t.id, uid))[-1] == ["0"]


def test_token_for_a_user_with_more_api2_rights_is_refused(stack):
    # a token acts on both surfaces: a Canvas admin who is no api2 Administrator minted a token for an
    # Administrator user (or one holding Manager on a collection) and used the api2 rights it carried
    from test_hostile_http import Unchanged
    t = stack.new_tenant()
    a = t.admin
    canvas_admin = t.new_user("Canvas admin")
    assert a.post("/api/v1/accounts/self/admins", form={"user_id": canvas_admin.id}).status == 200
    c = canvas_admin.client
    assert c.get("/api2/roles").status == 403
    api2_admin = t.new_user("api2 admin", is_admin=True)
    manager = t.new_user("Manager of a collection")
    site = a.get("/api2/collections", params={"display_name": "My Site"}).json()["items"][0]["id"]
    roles = {r["display_name"]: r["id"] for r in a.get("/api2/roles", params={"per_page": 100}).json()["items"]}
    group = a.post("/api2/groups", json_body={"display_name": "Managers"}).json()["id"]
    assert a.post("/api2/groups/%s/users" % group, json_body={"user_id": str(manager.id)}).status == 200
    assert a.post("/api2/memberships", json_body={"collection_id": site, "role_id": roles["Manager"],
                                                  "group_id": group}).status == 200
    tok = a.post("/api/v1/users/%d/tokens" % api2_admin.id, form={"token[purpose]": "theirs"}).json()["id"]
    with Unchanged(stack, t):
        r = c.post("/api/v1/users/%d/tokens" % api2_admin.id, form={"token[purpose]": "mine now"})
        assert r.status == 403, r
        assert r.json()["errors"][0]["permission"] == "api2_administrator", r
        assert r.json()["errors"][0]["account_id"] == t.root_account_id, r
        for method in ("get", "delete"):
            path = "/api/v1/users/%d/tokens" % api2_admin.id + ("/%d" % tok if method == "delete" else "")
            assert getattr(c, method)(path).status == 403, (method, path)
        r = c.post("/api/v1/users/%d/tokens" % manager.id, form={"token[purpose]": "mine now"})
        assert r.status == 403 and r.json()["errors"][0]["permission"] == "admin-panel-access", r
    # who holds the same (or is an Administrator user) still may
    assert a.post("/api/v1/users/%d/tokens" % manager.id, form={"token[purpose]": "ok"}).status == 200
    assert a.post("/api2/memberships", json_body={"collection_id": site, "role_id": roles["Manager"],
                                                  "user_id": str(canvas_admin.id)}).status == 200
    assert c.post("/api/v1/users/%d/tokens" % manager.id, form={"token[purpose]": "ok"}).status == 200
    assert c.post("/api/v1/users/%d/tokens" % api2_admin.id, form={"token[purpose]": "x"}).status == 403


def test_audit_since_until_take_iso_8601_only(stack):
    # PostgreSQL's timestamptz cast read 'now', 'today', 'epoch', '-infinity', Julian days and zone names:
    # a 200 for what the endpoint documents as a 400
    t = stack.new_tenant()
    a = t.admin
    for bad in ("now", "today", "epoch", "-infinity", "infinity", "J2451187", "2020-01-01 00:00:00 PST",
                "allballs", "2020-13-01", "garbage"):
        for key in ("since", "until"):
            r = a.get("/api/v1/accounts/self/audit", params={key: bad})
            assert r.status == 400 and r.json() == {"message": "since and until must be ISO 8601 times"}, (bad, r)
    for good in ("2020-01-01", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00.5+02:00", "2020-01-01 00:00", ""):
        r = a.get("/api/v1/accounts/self/audit", params={"since": good, "until": good})
        assert r.status == 200, (good, r)


def test_host_header_with_a_port_that_is_no_number_is_400(stack):
    # nginx accepts anything but '/' after a Host header's colon, and the header went into the Link URLs
    # as sent: "Host: a.test:1>; rel=next" was a 200 whose Link header the client had written
    from test_hostile_http import raw
    t = stack.new_tenant()
    for host in (t.host + ":1>;rel=next", t.host + ":abc", t.host + ':1"x', t.host + ":1,<x>"):
        req = ("GET /api/v1/accounts/self/sub_accounts?per_page=1 HTTP/1.1\r\nHost: %s\r\n"
               "Authorization: Bearer %s\r\nConnection: close\r\n\r\n" % (host, t.token)).encode()
        status, head, body = raw(stack, req)
        assert status == 400 and "link:" not in head.lower(), (host, status, head)
        assert json.loads(body) == {"message": "malformed Host header"}, body
        req = req.replace(b"/api/v1/accounts/self/sub_accounts", b"/api2/collections")
        status, head, body = raw(stack, req)
        assert status == 400 and json.loads(body) == {"message": "malformed Host header"}, (host, status, body)
    port = stack.url.rsplit(":", 1)[1]
    r = stack.client(t.host + ":" + port, t.token).get("/api/v1/accounts/self/sub_accounts")
    assert r.status == 200 and r.header("Link").startswith("<http://%s:%s/" % (t.host, port)), r.headers


def test_undecodable_path_id_is_404_on_every_method(stack):
    # an id segment that is no text (%FF, an overlong or surrogate, an encoded NUL) matched the routes of
    # the other methods only: a 405 whose Allow left out the method that does exist
    t = stack.new_tenant()
    for seg in ("%FF", "%C0%AF", "%ED%A0%80", "%E2%82"):
        for method, path in (("GET", "/api2/roles/" + seg), ("DELETE", "/api2/roles/" + seg),
                             ("GET", "/api2/collections/" + seg), ("GET", "/api/v1/accounts/" + seg),
                             ("GET", "/api/v1/accounts/%s/roles" % seg), ("PUT", "/api/v1/accounts/self/roles/" + seg)):
            r = t.admin.request(method, path)
            assert r.status == 404 and r.header("Allow") is None, (method, path, r)
            if path.startswith("/api2/"):
                assert r.json() == {"message": "The specified resource does not exist."}, r
            else:
                assert r.json() == {"errors": [{"message": "The specified resource does not exist."}]}, r
    # a known path with another method is still a 405 with Allow
    r = t.admin.request("PATCH", "/api2/roles/1")
    assert r.status == 405 and r.header("Allow") == "GET, POST, DELETE", r


def test_access_log_lines_stay_json_for_paths_that_are_no_text(stack):
    # nginx's escape=json passes bytes over 0x7e, and $uri is decoded: /x/%FF wrote a byte that is not
    # UTF-8 into the "JSON" access log (every later reader of the file failed on it)
    from test_hostile_http import raw
    t = stack.new_tenant()
    path = os.path.join(stack.dir, "log", "access.log")
    sent = {}
    for i, target in enumerate((b"/api2/roles/%FF?access_token=" + t.token.encode(), b"/api2/roles/\xff",
                                b"/api/v1/accounts/sis_account_id:%C3%A9%ED%A0%80")):
        rid = "logtext-%d-%s" % (i, t.host.split(".")[0])
        status, head, body = raw(stack, b"GET " + target + b" HTTP/1.1\r\nHost: " + t.host.encode() +
                                 b"\r\nX-Request-Id: " + rid.encode() + b"\r\nConnection: close\r\n\r\n")
        assert status == 404, (target, status, body)
        sent[rid] = target
    time.sleep(0.2)
    with open(path, "rb") as f:
        lines = f.read().decode("utf-8").splitlines()  # raises on a byte that is not UTF-8
    logged = {}
    for line in lines:
        entry = json.loads(line)
        if entry["request_id"] in sent:
            logged[entry["request_id"]] = entry["uri"]
    assert set(logged) == set(sent), (logged, sent)
    assert logged["logtext-0-" + t.host.split(".")[0]] == "/api2/roles/%FF"  # as sent, without the query
    assert logged["logtext-1-" + t.host.split(".")[0]] == "-"
    assert t.token not in "".join(lines)


def test_effects_after_that_is_no_string_is_an_unreadable_cursor(stack):
    # {"effects_after": 5} or ["x"] was read as no cursor: the first page, 200, for what is a 400
    t = stack.new_tenant()
    role = t.admin.get("/api2/roles", params={"display_name": "Viewer"}).json()["items"][0]["id"]
    for after in (5, ["1"], {"a": "1"}, True):
        r = t.admin.post("/api2/roles/%s" % role, json_body={"permissions": [], "dry_run": True, "effects_after": after})
        assert r.status == 400 and r.json() == {"message": "invalid parameter 'effects_after'"}, (after, r)
    # the order of the checks is the write's: a caller who may not write hears that first
    r = stack.client(t.host).post("/api2/roles/%s" % role, json_body={"dry_run": True, "effects_after": 5})
    assert r.status == 401, r
    r = t.admin.post("/api2/roles/%s" % role, json_body={"permissions": [], "dry_run": True, "effects_after": None})
    assert r.status == 200 and r.json()["effects_next"] is None, r


def test_names_of_tabs_and_newlines_are_blank(stack):
    # the blank checks trimmed spaces only: a sub-account named "\t", a token whose purpose is "\n" and a
    # login of "\t" were 200s (Rails' blank? and the Canvas roles here count every whitespace)
    from test_hostile_http import Unchanged
    t = stack.new_tenant()
    a = t.admin
    sub = a.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "Sub"}).json()["id"]
    with Unchanged(stack, t):
        for blank in ("\t", "\n", " \r\n\t "):
            r = a.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": blank})
            assert r.status == 400 and r.json()["errors"]["name"][0]["type"] == "blank", r
            r = a.put("/api/v1/accounts/%d" % sub, form={"account[name]": blank})
            assert r.status == 400 and r.json()["errors"]["name"][0]["type"] == "blank", r
            r = a.post("/api/v1/users/self/tokens", form={"token[purpose]": blank})
            assert r.status == 400 and r.json()["errors"]["purpose"][0]["type"] == "blank", r
            r = a.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": blank})
            assert r.status == 400 and r.json()["errors"]["pseudonym"]["unique_id"][0]["type"] == "blank", r
    # a blank name, short or sortable name defaults as an absent one does
    r = a.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": "sam", "user[name]": "\t",
                                                    "user[short_name]": "\n", "user[sortable_name]": "\t"})
    assert r.status == 200, r
    assert (r.json()["name"], r.json()["short_name"], r.json()["sortable_name"]) == ("sam", "sam", "sam"), r


def test_login_is_stripped_of_every_whitespace(stack):
    # only spaces were stripped: "admin\t" was a second login beside "admin" (Canvas strips unique_id)
    t = stack.new_tenant()
    a = t.admin
    assert a.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": "sam"}).status == 200
    for login in ("sam\t", "\nsam", " sam\r\n", "SAM\x0b"):
        r = a.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": login})
        assert r.status == 400 and r.json()["errors"]["pseudonym"]["unique_id"][0]["type"] == "taken", (login, r)
    r = a.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": "\tvivian\n"})
    assert r.status == 200 and r.json()["login_id"] == "vivian", r
