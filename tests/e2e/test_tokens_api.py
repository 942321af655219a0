"""Access tokens (issue #5): mint for self or (with create_access_tokens) for a user one may manage, list
hints, revoke."""
from accounts_helpers import (assert_401, assert_404, assert_forbidden, builtin_role, enable_token_admin, make_role,
                              member, override, sub_account)


def test_create_own_token_and_use_it(stack):
    t = stack.new_tenant()
    u = t.new_user("Tok")
    r = u.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "script", "token[expires_at]": "2099-01-01T00:00:00Z"})
    assert r.status == 200, r
    body = r.json()
    assert len(body["token"]) == 64 and body["visible_token"] == body["token"], body
    assert body["token_hint"] == body["token"][:5] and body["purpose"] == "script", body
    assert body["expires_at"] == "2099-01-01T00:00:00Z" and body["user_id"] == u.id, body
    assert body["workflow_state"] == "active", body
    assert r.header("Cache-Control") == "no-store", r
    me = u.client.get("/api/v1/users/self", token=body["token"])
    assert me.status == 200 and me.json()["id"] == u.id, me
    # the secret is not stored and never shown again
    rows = t.sql("SELECT count(*) FROM access_tokens WHERE tenant_id = %d AND token_hint = '%s' AND"
                 " token_hash = sha256('%s'::bytea)" % (t.id, body["token"][:5], body["token"]))
    assert rows[-1][0] == "1", rows
    listed = u.client.get("/api/v1/users/self/tokens")
    assert listed.status == 200 and body["token"] not in listed.text, listed
    mine = [x for x in listed.json() if x["id"] == body["id"]][0]
    assert "token" not in mine and mine["token_hint"] == body["token_hint"], mine


def test_create_token_validation(stack):
    t = stack.new_tenant()
    u = t.new_user("Tok")
    before = t.sql("SELECT count(*) FROM access_tokens WHERE tenant_id = %d" % t.id)[-1][0]
    r = u.client.post("/api/v1/users/self/tokens", form={"token[expires_at]": "2099-01-01"})
    assert r.status == 400 and r.json()["errors"]["purpose"][0]["message"] == "can't be blank", r
    for bad in ("tomorrow", "2020-01-01T00:00:00Z", "2099-13-45", "now", "infinity"):
        r = u.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "p", "token[expires_at]": bad})
        assert r.status == 400 and "expires_at" in r.json()["errors"], (bad, r)
    r = u.client.post("/api/v1/users/self/tokens", form={"token": "flat"})
    assert r.status == 400, r
    assert t.sql("SELECT count(*) FROM access_tokens WHERE tenant_id = %d" % t.id)[-1][0] == before
    r = u.client.post("/api/v1/users/self/tokens", json_body={"token": {"purpose": "forever", "expires_at": ""}})
    assert r.status == 200 and r.json()["expires_at"] is None, r


def test_anonymous_and_other_users(stack):
    t = stack.new_tenant()
    u = t.new_user("A")
    v = t.new_user("B")
    assert_401(t.anon.post("/api/v1/users/self/tokens", form={"token[purpose]": "x"}))
    assert_401(t.anon.get("/api/v1/users/%d/tokens" % u.id))
    assert_forbidden(u.client.post("/api/v1/users/%d/tokens" % v.id, form={"token[purpose]": "x"}),
                     "create_access_tokens", t.root_account_id)
    assert_forbidden(u.client.get("/api/v1/users/%d/tokens" % v.id), "create_access_tokens", t.root_account_id)
    tid = v.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "x"}).json()["id"]
    assert_forbidden(u.client.delete("/api/v1/users/%d/tokens/%d" % (v.id, tid)), "delete_access_tokens",
                     t.root_account_id)


def test_admin_tokens_out_of_the_box(stack):
    t = stack.new_tenant()
    u = t.new_user("Target")
    # admin_manage_access_tokens is on by default in rolesd (opt-in in Canvas; README): no set-up needed
    r = t.admin.post("/api/v1/users/%d/tokens" % u.id, form={"token[purpose]": "on behalf"})
    assert r.status == 200 and r.json()["user_id"] == u.id, r
    me = t.anon.get("/api/v1/users/self", token=r.json()["token"])
    assert me.status == 200 and me.json()["id"] == u.id, me
    listed = t.admin.get("/api/v1/users/%d/tokens" % u.id)
    assert listed.status == 200 and [x["id"] for x in listed.json()][0] == r.json()["id"], listed
    d = t.admin.delete("/api/v1/users/%d/tokens/%d" % (u.id, r.json()["id"]))
    assert d.status == 200 and d.json()["workflow_state"] == "deleted", d


def test_admin_tokens_off_when_the_condition_is_off(stack):
    t = stack.new_tenant()
    u = t.new_user("Target")
    t.sql("UPDATE tenants SET settings = jsonb_set(settings, '{canvas_conditions}',"
          " '{\"admin_manage_access_tokens\": false}') WHERE id = %d" % t.id)
    assert_forbidden(t.admin.post("/api/v1/users/%d/tokens" % u.id, form={"token[purpose]": "x"}),
                     "create_access_tokens", t.root_account_id)
    perms = t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    assert "create_access_tokens" not in perms and "delete_access_tokens" not in perms


def test_no_tokens_for_more_privileged_users(stack):
    t = stack.new_tenant()
    enable_token_admin(t)
    helpdesk = make_role(t, "Helpdesk")
    for p in ("create_access_tokens", "delete_access_tokens"):
        override(t, t.root_account_id, helpdesk, p)
    h = t.new_user("Help")
    member(t, t.root_account_id, h.id, helpdesk)
    plain = t.new_user("Plain")
    r = h.client.post("/api/v1/users/%d/tokens" % plain.id, form={"token[purpose]": "support"})
    assert r.status == 200, r
    # the tenant admin holds far more than Helpdesk: acting as them would be an escalation
    r = h.client.post("/api/v1/users/%d/tokens" % t.admin_user_id, form={"token[purpose]": "escalate"})
    assert r.status == 403 and r.json()["errors"][0]["error_code"] == "missing_permission", r
    assert r.json()["errors"][0]["permission"] not in ("create_access_tokens", None), r
    # create_access_tokens is root-only: an admin of a sub-account never has it
    sub = sub_account(t)
    s = t.new_user("Sub admin")
    member(t, sub, s.id, builtin_role(t))
    assert_forbidden(s.client.post("/api/v1/users/%d/tokens" % plain.id, form={"token[purpose]": "x"}),
                     "create_access_tokens", t.root_account_id)


def test_revoke_own_token(stack):
    t = stack.new_tenant()
    u = t.new_user("Tok")
    made = u.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "temp"}).json()
    r = u.client.delete("/api/v1/users/self/tokens/%d" % made["id"])
    assert r.status == 200 and r.json()["workflow_state"] == "deleted" and "token" not in r.json(), r
    r = u.client.get("/api/v1/users/self", token=made["token"])
    assert r.status == 401 and r.json()["errors"][0]["message"] == "Revoked access token.", r
    assert_404(u.client.delete("/api/v1/users/self/tokens/%d" % made["id"]))
    assert made["id"] not in [x["id"] for x in u.client.get("/api/v1/users/self/tokens").json()]


def test_token_ids_not_found(stack):
    t = stack.new_tenant()
    u = t.new_user("A")
    v = t.new_user("B")
    vt = v.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "x"}).json()["id"]
    assert_404(u.client.delete("/api/v1/users/self/tokens/%d" % vt))  # someone else's token
    for ref in ("abc", "0", "99999999999999999999"):
        assert_404(u.client.delete("/api/v1/users/self/tokens/" + ref))
    for ref in ("abc", "0", "999999999"):
        assert_404(t.admin.get("/api/v1/users/%s/tokens" % ref))


def test_list_tokens_paginates(stack):
    t = stack.new_tenant()
    u = t.new_user("Many")
    for i in range(3):
        u.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "t%d" % i})
    r = u.client.get("/api/v1/users/self/tokens", params={"per_page": 2})
    assert r.status == 200 and len(r.json()) == 2, r
    assert 'rel="next"' in r.header("Link") and "/api/v1/users/%d/tokens" % u.id in r.header("Link"), r
    r2 = u.client.get("/api/v1/users/self/tokens", params={"per_page": 2, "page": 2})
    assert len(r2.json()) == 2, r2  # 3 made here + the harness token
    assert u.client.get("/api/v1/users/self/tokens", params={"page": 0}).status == 404


def test_tokens_cross_tenant_404(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    enable_token_admin(t)
    ot = o.sql("SELECT id FROM access_tokens WHERE tenant_id = %d LIMIT 1" % o.id)[-1][0]
    assert_404(t.admin.post("/api/v1/users/%d/tokens" % o.admin_user_id, form={"token[purpose]": "x"}))
    assert_404(t.admin.get("/api/v1/users/%d/tokens" % o.admin_user_id))
    assert_404(t.admin.delete("/api/v1/users/%d/tokens/%s" % (o.admin_user_id, ot)))
    assert_404(t.admin.delete("/api/v1/users/self/tokens/%s" % ot))


def test_ignored_token_members_are_warnings(stack):
    """Issue 16, no silent no-ops: Canvas' token[scopes] (and any other token[...] member rolesd does not
    keep) still mints the token, but the answer says the token is not scoped."""
    t = stack.new_tenant()
    u = t.new_user("Tok")
    r = u.client.post("/api/v1/users/self/tokens", form=[("token[purpose]", "narrow"),
                                                         ("token[scopes][]", "url:GET|/api/v1/accounts"),
                                                         ("token[remember_access]", "1")])
    assert r.status == 200 and len(r.json()["token"]) == 64, r
    w = r.json()["warnings"]
    assert [(x["setting"], x["ignored"], x["reason"]) for x in w] == [
        ("token[scopes]", True, "unknown_setting"), ("token[remember_access]", True, "unknown_setting")], w
    assert "not scoped" in w[0]["message"], w
    r = u.client.post("/api/v1/users/self/tokens", form={"token[purpose]": "plain"})
    assert r.status == 200 and "warnings" not in r.json(), r
