"""Foundation: routing, tenancy by host, authentication, parameter limits, health checks, logs."""
import os
import time


def test_healthz_needs_no_tenant(stack):
    r = stack.client("unknown.example").get("/healthz")
    assert r.status == 200 and r.json() == {"status": "ok"}, r


def test_readyz_round_trip(stack):
    r = stack.client("unknown.example").get("/readyz")
    assert r.status == 200 and r.json()["status"] == "ready", r


def test_unknown_host_is_404_before_auth(stack):
    r = stack.client("nobody.example", "bogus").get("/api/v1/users/self")
    assert r.status == 404, r
    assert r.json() == {"errors": [{"message": "The specified resource does not exist."}]}


def test_unknown_host_404_even_for_bad_method(stack):
    r = stack.client("nobody.example").delete("/api/v1/users/self")
    assert r.status == 404, r


def test_users_self_with_bearer(stack):
    t = stack.new_tenant(name="Self School")
    r = t.admin.get("/api/v1/users/self")
    assert r.status == 200, r
    body = r.json()
    assert body["id"] == t.admin_user_id and body["name"] == "Admin" and body["login_id"] == "admin"


def test_users_self_json_suffix(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/users/self.json")
    assert r.status == 200 and r.json()["id"] == t.admin_user_id, r


def test_access_token_query_param(stack):
    t = stack.new_tenant()
    r = t.anon.get("/api/v1/users/self", params={"access_token": t.token})
    assert r.status == 200 and r.json()["id"] == t.admin_user_id, r


def test_access_token_form_param(stack):
    t = stack.new_tenant()
    r = t.anon.request("GET", "/api/v1/users/self", form={"access_token": t.token})
    assert r.status == 200, r


def test_no_token_401(stack):
    t = stack.new_tenant()
    r = t.anon.get("/api/v1/users/self")
    assert r.status == 401, r
    assert r.json() == {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}
    assert r.header("WWW-Authenticate") == 'Bearer realm="canvas-lms"'


def test_invalid_token_401(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/users/self", token="0" * 64)
    assert r.status == 401, r
    assert r.json()["errors"][0]["message"] == "Invalid access token.", r


def test_bearer_scheme_is_case_sensitive(stack):
    t = stack.new_tenant()
    r = t.anon.get("/api/v1/users/self", headers={"Authorization": "bearer " + t.token})
    assert r.status == 401, r


def test_token_of_other_tenant_is_invalid(stack):
    a = stack.new_tenant()
    b = stack.new_tenant()
    r = b.admin.get("/api/v1/users/self", token=a.token)
    assert r.status == 401 and r.json()["errors"][0]["message"] == "Invalid access token.", r


def test_revoked_token(stack):
    t = stack.new_tenant()
    u = t.new_user("Rev")
    tid = t.sql("SELECT id FROM access_tokens WHERE user_id = %d" % u.id)[-1][0]
    stack.cli("token", "revoke", "--host", t.host, "--token-id", tid)
    r = u.client.get("/api/v1/users/self")
    assert r.status == 401 and r.json()["errors"][0]["message"] == "Revoked access token.", r


def test_expired_token(stack):
    t = stack.new_tenant()
    u = t.new_user("Exp")
    out = stack.cli("token", "create", "--host", t.host, "--user", str(u.id),
                    "--expires-at", "2001-01-01T00:00:00Z").stdout
    import json
    tok = json.loads(out)["token"]
    r = u.client.get("/api/v1/users/self", token=tok)
    assert r.status == 401 and r.json()["errors"][0]["message"] == "Expired access token.", r


def test_tokens_stored_hashed(stack):
    t = stack.new_tenant()
    rows = t.sql("SELECT encode(token_hash, 'hex'), token_hint FROM access_tokens WHERE user_id = %d"
                 % t.admin_user_id)
    h, hint = rows[-1]
    assert t.token not in h and len(h) == 64 and t.token.startswith(hint) and len(hint) < 10
    assert len(t.token) >= 64  # 256 bits, hex


def test_unknown_path_404(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/nothing/here")
    assert r.status == 404, r


def test_wrong_method_405_with_allow(stack):
    t = stack.new_tenant()
    r = t.admin.delete("/api/v1/users/self")
    assert r.status == 405, r
    assert "GET" in r.header("Allow"), r.headers


def test_body_too_large_413(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/users/self", body="a=" + "x" * (2 * 1024 * 1024),
                     content_type="application/x-www-form-urlencoded")
    assert r.status == 413, r


def test_malformed_json_400(stack):
    t = stack.new_tenant()
    r = t.admin.request("GET", "/api/v1/users/self", body='{"a":', content_type="application/json")
    assert r.status == 400, r


def test_bad_token_is_401_before_a_bad_body(stack):
    # canvas-roles.md 2.1: a bad token "fails before anything else"; without one the body's 4xx stands
    t = stack.new_tenant()
    bad = [("POST", "/api/v1/accounts/self/roles", {"body": '{"label":', "content_type": "application/json"}),
           ("POST", "/api/v1/accounts/self/roles", {"body": "x", "content_type": "text/plain"}),
           ("GET", "/api/v1/accounts/self/roles?x=%FF", {}),
           ("GET", "/api/v1/users/self?" + "a" + "[b]" * 20 + "=1", {}),
           ("POST", "/api2/roles", {"body": '{"display_name":', "content_type": "application/json"}),
           ("POST", "/api/v1/accounts/self/roles", {"form": {"label": "K"}, "headers": {"Idempotency-Key": "a b"}})]
    for method, path, kw in bad:
        r = t.admin.request(method, path, token="0" * 64, **kw)
        assert r.status == 401 and r.json()["errors"][0]["message"] == "Invalid access token." \
            if not path.startswith("/api2") else r.status == 401, (path, r)
        if not path.startswith("/api2"):
            assert r.header("WWW-Authenticate") == 'Bearer realm="canvas-lms"', r
        assert t.admin.request(method, path, **kw).status in (400, 415), (path, kw)
        assert t.anon.request(method, path, **kw).status in (400, 415), (path, kw)


def test_bad_token_is_401_before_an_undecodable_id(stack):
    # a route's path whose id does not decode names no resource (404), but a bad token fails first (2.1);
    # a path no route has stays a plain 404
    t = stack.new_tenant()
    for path in ("/api/v1/accounts/%FF", "/api/v1/accounts/self/roles/%FF", "/api/v1/users/%C0%AF/tokens",
                 "/api2/roles/%C0%AF"):
        r = t.admin.get(path, token="0" * 64)
        assert r.status == 401, (path, r)
        assert t.admin.get(path).status == 404, path
        assert t.anon.get(path).status == 404, path
        assert stack.client("no-such-host.test", t.token).get(path).status == 404, path
    assert t.admin.get("/api/v1/nothing/%FF", token="0" * 64).status == 404


def test_blank_access_token_is_no_token(stack):
    t = stack.new_tenant()
    for blank in ("", " "):
        r = t.anon.get("/api/v1/users/self", params={"access_token": blank})
        assert r.status == 401 and r.json()["status"] == "unauthenticated", r
    r = t.anon.get("/api/v1/users/self", params={"access_token": "x"})
    assert r.status == 401 and r.json()["errors"][0]["message"] == "Invalid access token.", r


def test_bad_percent_escape_400(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/users/self?a=%zz")
    assert r.status == 400, r
    r = t.admin.get("/api/v1/users/self?a=%e2%28%a1")
    assert r.status == 400 and "UTF-8" in r.json()["message"], r


def test_too_many_params_400(stack):
    t = stack.new_tenant()
    body = "&".join("k%d=1" % i for i in range(1500))
    r = t.admin.request("GET", "/api/v1/users/self", body=body, content_type="application/x-www-form-urlencoded")
    assert r.status == 400, r


def test_deep_nesting_400(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/users/self?" + "a" + "[b]" * 20 + "=1")
    assert r.status == 400, r


def test_unsupported_content_type_415(stack):
    t = stack.new_tenant()
    r = t.admin.request("POST", "/api/v1/users/self", body="x", content_type="application/xml")
    assert r.status in (405, 415), r


def test_sql_metacharacters_in_host_and_token(stack):
    r = stack.client("x'; DROP TABLE users; --", "'; DROP TABLE users; --").get("/api/v1/users/self")
    assert r.status in (400, 404), r  # nginx itself rejects the invalid Host
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/users/self", token="'; DROP TABLE users; --")
    assert r.status == 401, r
    assert stack.sql("SELECT count(*) FROM users")[0][0] != "0"


def test_host_with_port_and_case(stack):
    t = stack.new_tenant()
    c = stack.client(t.host.upper() + ":8443", t.token)
    r = c.get("/api/v1/users/self")
    assert r.status == 200, r


def test_request_log_has_no_secrets(stack):
    t = stack.new_tenant()
    t.anon.get("/api/v1/users/self", params={"access_token": t.token})
    time.sleep(0.2)
    logdir = os.path.join(stack.dir, "log")
    for name in ("rolesd.log", "access.log"):
        path = os.path.join(logdir, name)
        if os.path.exists(path):
            with open(path) as f:
                assert t.token not in f.read(), name


def test_request_id_passed_through(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/users/self")
    rid = r.header("X-Request-Id")
    assert rid and len(rid) == 32
    time.sleep(0.2)
    with open(os.path.join(stack.dir, "log", "rolesd.log")) as f:
        assert rid in f.read()


def test_tenant_list_cli(stack):
    t = stack.new_tenant(name="Listed School")
    out = stack.cli("tenant", "list").stdout
    assert t.host in out and "Listed School" in out, out


def test_cli_tenant_create_usage_error(stack):
    p = stack.cli("tenant", "create", "--name", "x", check=False)
    assert p.returncode != 0


def test_migrate_is_idempotent(stack):
    p = stack.cli("migrate")
    assert p.returncode == 0
