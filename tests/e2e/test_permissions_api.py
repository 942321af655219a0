"""Permission checks and explain (issue #5): the caller's effective permissions on an account (§3.3 of
canvas-roles.md) and why a user does or does not hold one."""
from accounts_helpers import (assert_401, assert_404, assert_forbidden, builtin_role, make_role, member, override,
                              sub_account)


def check(client, account, *names):
    r = client.get("/api/v1/accounts/%s/permissions" % account, params=[("permissions[]", n) for n in names])
    assert r.status == 200, r
    return r.json()


def test_admin_and_plain_user(stack):
    t = stack.new_tenant()
    assert check(t.admin, "self", "manage_account_settings", "read_roster", "no_such_thing") == \
        {"manage_account_settings": True, "read_roster": True, "no_such_thing": False}
    u = t.new_user("Plain")
    assert check(u.client, "self", "manage_account_settings", "read_roster") == \
        {"manage_account_settings": False, "read_roster": False}
    everything = t.admin.get("/api/v1/accounts/self/permissions").json()
    assert everything["manage_role_overrides"] is True and everything["become_user"] is True, everything
    assert len(everything) > 5 and all(isinstance(v, bool) for v in everything.values()), everything
    r = t.admin.get("/api/v1/accounts/self/permissions", params={"permissions": "read_roster"})
    assert r.json() == {"read_roster": True}, r


def test_all_permissions_of_a_sub_account_omit_root_only(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    root = t.admin.get("/api/v1/accounts/self/permissions").json()
    below = t.admin.get("/api/v1/accounts/%d/permissions" % sub).json()
    assert "become_user" in root and "become_user" not in below, below
    assert "manage_account_settings" in below


def test_errors(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    assert_401(t.anon.get("/api/v1/accounts/self/permissions"))
    assert_404(t.admin.get("/api/v1/accounts/%d/permissions" % o.root_account_id))
    assert_404(t.admin.get("/api/v1/accounts/nope/permissions"))
    r = t.admin.get("/api/v1/accounts/self/permissions", json_body={"permissions": [{"a": 1}]})
    assert r.status == 400, r


def test_grant_above_cannot_be_revoked_below(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    aud = make_role(t, "Auditor")
    override(t, t.root_account_id, aud, "read_reports")            # granted at the root
    override(t, sub, aud, "read_reports", enabled=False)            # revocation attempt below
    u = t.new_user("Root auditor")
    member(t, t.root_account_id, u.id, aud)
    assert check(u.client, sub, "read_reports") == {"read_reports": True}
    v = t.new_user("Sub auditor")
    member(t, sub, v.id, aud)
    assert check(v.client, sub, "read_reports") == {"read_reports": False}  # held at sub: the sub row counts


def test_root_only_never_through_a_sub_account_membership(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    u = t.new_user("Sub admin")
    member(t, sub, u.id, builtin_role(t))
    assert check(u.client, sub, "become_user", "manage_user_logins", "manage_account_settings") == \
        {"become_user": False, "manage_user_logins": False, "manage_account_settings": True}
    assert check(t.admin, sub, "become_user") == {"become_user": True}


def test_explain_custom_role_without_read_course_content(stack):
    t = stack.new_tenant()
    sub = sub_account(t, name="Dept")
    aud = make_role(t, "Auditor")
    u = t.new_user("Auditor user")
    mid = member(t, t.root_account_id, u.id, aud)
    r = u.client.get("/api/v1/accounts/%d/permissions/read_course_content/explain" % sub)
    assert r.status == 200, r
    e = r.json()
    assert e["permission"] == "read_course_content" and e["account_id"] == sub and e["user_id"] == u.id, e
    assert e["granted"] is False, e
    [m] = e["memberships"]
    assert m["id"] == mid and m["role"] == "Auditor" and m["role_id"] == aud and m["account_id"] == t.root_account_id
    assert m["granted"] is False and m["reason"] == "not_granted" and m["decided_at"] is None, m
    assert [s["account_id"] for s in m["walk"]] == [t.root_account_id, sub], m
    assert all(s["override"] is None for s in m["walk"]), m
    assert m["walk"][0]["membership_account"] is True and m["walk"][1]["membership_account"] is False, m
    roles = {g["role"] for g in e["would_grant"]["roles"]}
    assert "AccountAdmin" in roles and "Auditor" not in roles, e
    [o] = e["would_grant"]["overrides"]
    assert o["role_id"] == aud and o["change_allowed_at"] == [t.root_account_id, sub], o
    # grant it at the root: the explanation now names the deciding override
    override(t, t.root_account_id, aud, "read_course_content")
    e = u.client.get("/api/v1/accounts/%d/permissions/read_course_content/explain" % sub).json()
    assert e["granted"] is True, e
    m = e["memberships"][0]
    assert m["reason"] == "override" and m["decided_at"] == t.root_account_id, m
    assert m["walk"][0]["override"]["enabled"] is True and m["walk"][0]["decided"] is True, m
    assert m["walk"][0]["override"]["applies_to"] == ["self", "descendants"], m
    assert "Auditor" in {g["role"] for g in e["would_grant"]["roles"]}, e
    assert e["would_grant"]["overrides"] == [], e


def test_explain_keys_in_the_documented_order(stack):
    # README "Permission checks and explain": the answer's objects keep the order they are documented in
    t = stack.new_tenant()
    aud = make_role(t, "Auditor")
    u = t.new_user("Auditor user")
    member(t, t.root_account_id, u.id, aud)
    override(t, t.root_account_id, aud, "read_course_content", enabled=False)
    e = t.admin.get("/api/v1/accounts/self/permissions/read_course_content/explain", params={"user_id": u.id}).json()
    assert list(e) == ["permission", "account_id", "user_id", "granted", "conditions", "memberships",
                       "would_grant"], e
    [m] = e["memberships"]
    assert list(m) == ["id", "role_id", "role", "base_role_type", "account_id", "granted", "reason", "decided_at",
                       "walk"], m
    assert list(m["walk"][0]) == ["account_id", "membership_account", "override", "reached", "decided"], m
    assert list(m["walk"][0]["override"]) == ["id", "enabled", "locked", "applies_to"], m
    w = e["would_grant"]
    assert list(w) == ["roles", "overrides", "proposals"], w
    assert list(w["roles"][0]) == ["id", "role", "base_role_type", "workflow_state", "account_id"], w
    assert list(w["overrides"][0]) == ["role_id", "role", "change_allowed_at"], w


def test_explain_lock_above_limits_where_a_change_helps(stack):
    t = stack.new_tenant()
    sub = sub_account(t, name="Dept")
    team = sub_account(t, sub, name="Team")
    aud = make_role(t, "Auditor")
    override(t, sub, aud, "read_course_content", enabled=False, locked=True)
    u = t.new_user("Locked out")
    member(t, team, u.id, aud)
    e = u.client.get("/api/v1/accounts/%d/permissions/read_course_content/explain" % team).json()
    assert e["granted"] is False, e
    m = e["memberships"][0]
    assert m["reason"] == "locked" and m["decided_at"] == sub, m
    assert [s["reached"] for s in m["walk"]] == [True, True, False], m
    assert m["walk"][1]["override"] == {"id": m["walk"][1]["override"]["id"], "enabled": False, "locked": True,
                                        "applies_to": ["self", "descendants"]}, m
    assert e["would_grant"]["overrides"][0]["change_allowed_at"] == [t.root_account_id, sub], e


def test_explain_root_only_through_sub_membership(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    u = t.new_user("Sub admin")
    member(t, sub, u.id, builtin_role(t))
    e = u.client.get("/api/v1/accounts/%d/permissions/become_user/explain" % sub).json()
    assert e["granted"] is False and e["memberships"][0]["reason"] == "scope", e
    assert e["would_grant"]["overrides"][0]["change_allowed_at"] == [], e


def test_explain_for_another_user_needs_manage_role_overrides(stack):
    t = stack.new_tenant()
    u = t.new_user("Curious")
    v = t.new_user("Subject")
    assert_forbidden(u.client.get("/api/v1/accounts/self/permissions/read_roster/explain",
                                  params={"user_id": v.id}), "manage_role_overrides", t.root_account_id)
    r = t.admin.get("/api/v1/accounts/self/permissions/read_roster/explain", params={"user_id": v.id})
    assert r.status == 200 and r.json()["user_id"] == v.id and r.json()["memberships"] == [], r
    r = u.client.get("/api/v1/accounts/self/permissions/read_roster/explain", params={"user_id": "self"})
    assert r.status == 200 and r.json()["user_id"] == u.id, r
    r = t.admin.get("/api/v1/accounts/self/permissions/read_roster/explain")
    assert r.json()["granted"] is True and r.json()["memberships"][0]["reason"] == "default", r


def test_explain_errors(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    assert_401(t.anon.get("/api/v1/accounts/self/permissions/read_roster/explain"))
    assert_404(t.admin.get("/api/v1/accounts/self/permissions/no_such_permission/explain"))
    assert_404(t.admin.get("/api/v1/accounts/%d/permissions/read_roster/explain" % o.root_account_id))
    assert_404(t.admin.get("/api/v1/accounts/self/permissions/read_roster/explain",
                           params={"user_id": o.admin_user_id}))
    assert_404(t.admin.get("/api/v1/accounts/self/permissions/read_roster/explain", params={"user_id": "x"}))


def test_every_403_can_be_explained(stack):
    t = stack.new_tenant()
    u = t.new_user("Plain")
    r = u.client.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "x"})
    err = r.json()["errors"][0]
    e = u.client.get("/api/v1/accounts/%d/permissions/%s/explain" % (err["account_id"], err["permission"]))
    assert e.status == 200 and e.json()["granted"] is False, e
    assert "AccountAdmin" in {g["role"] for g in e.json()["would_grant"]["roles"]}, e
