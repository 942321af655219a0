"""Per-tenant permission conditions through Canvas' own APIs (issue 16): the Feature Flags API for feature
flags, account[settings][...] of PUT /api/v1/accounts/:id for account settings (and the rolesd setting for
the assignment freezer plugin). The permissions they guard become usable end to end."""
from accounts_helpers import assert_forbidden, make_role, override, sub_account


def flags_path(account="self", feature=None):
    p = "/api/v1/accounts/%s/features" % account
    return p + ("/flags/" + feature if feature else "")


def perms_of(client, names, account="self"):
    r = client.get("/api/v1/accounts/%s/permissions" % account, params=[("permissions[]", n) for n in names])
    assert r.status == 200, r
    return r.json()


def test_feature_list_and_enabled(stack):
    t = stack.new_tenant()
    r = t.admin.get(flags_path(), params={"per_page": "100"})
    assert r.status == 200, r
    by = {f["feature"]: f for f in r.json()}
    f = by["temporary_enrollments"]
    assert f["applies_to"] == "RootAccount" and f["root_opt_in"] is True, f
    assert f["feature_flag"] == {"feature": "temporary_enrollments", "state": "off", "locked": False}, f
    assert "catalog_enabled" not in by, "account settings are not features"
    enabled = t.admin.get(flags_path() + "/enabled").json()
    assert "admin_manage_access_tokens" in enabled and "temporary_enrollments" not in enabled, enabled


def test_feature_list_is_paginated(stack):
    """Canvas' FeatureFlagsController#index runs Api.paginate: 10 a page, a Link header, 404 for page 0."""
    t = stack.new_tenant()
    everything = t.admin.get(flags_path(), params={"per_page": "100"}).json()
    assert len(everything) > 10
    r = t.admin.get(flags_path())
    assert r.status == 200 and r.json() == everything[:10], r
    link = r.header("Link")
    assert "/api/v1/accounts/%d/features?page=2&per_page=10>; rel=\"next\"" % t.root_account_id in link, link
    r = t.admin.get(flags_path(), params={"page": "2", "per_page": "5"})
    assert r.json() == everything[5:10] and 'rel="prev"' in r.header("Link"), r
    assert t.admin.get(flags_path(), params={"page": "99"}).json() == []
    assert t.admin.get(flags_path(), params={"page": "0"}).status == 404
    assert t.anon.get(flags_path(), params={"page": "0"}).status == 401, "authorisation first"


def test_put_and_delete_a_flag_switch_the_condition(stack):
    t = stack.new_tenant()
    r = t.admin.put(flags_path(feature="temporary_enrollments"), form={"state": "on"})
    assert r.status == 200, r
    assert r.json() == {"context_type": "Account", "context_id": t.root_account_id,
                        "feature": "temporary_enrollments", "state": "on", "locked": False}, r.json()
    assert t.admin.get(flags_path(feature="temporary_enrollments")).json()["state"] == "on"
    assert perms_of(t.admin, ["temporary_enrollments_add"]) == {"temporary_enrollments_add": True}
    perms = t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    assert "temporary_enrollments_add" in perms
    d = t.admin.delete(flags_path(feature="temporary_enrollments"))
    assert d.status == 200 and d.json()["state"] == "on", d
    assert t.admin.get(flags_path(feature="temporary_enrollments")).json()["state"] == "off"
    assert perms_of(t.admin, ["temporary_enrollments_add"]) == {"temporary_enrollments_add": False}
    assert t.admin.delete(flags_path(feature="temporary_enrollments")).status == 404, "no flag left to delete"


def test_flag_errors(stack):
    t = stack.new_tenant()
    r = t.admin.put(flags_path(feature="temporary_enrollments"), form={"state": "sideways"})
    assert r.status == 400, r
    # Canvas' update: an unknown feature is a 400 "invalid feature"; without state the flag stays as it is
    r = t.admin.put(flags_path(feature="no_such_feature"), form={"state": "on"})
    assert r.status == 400 and r.json() == {"message": "invalid feature"}, r
    assert t.admin.delete(flags_path(feature="no_such_feature")).status == 404
    before = t.admin.get(flags_path(feature="temporary_enrollments")).json()
    r = t.admin.put(flags_path(feature="temporary_enrollments"), form={"x": "1"})
    assert r.status == 200 and r.json() == before, r
    assert t.admin.get(flags_path(feature="catalog_enabled")).status == 404, "a setting, not a feature"
    s = sub_account(t)
    assert t.admin.get(flags_path(s)).json() == [], "RootAccount features do not apply to sub-accounts"
    assert t.admin.put(flags_path(s, "temporary_enrollments"), form={"state": "on"}).status == 404
    u = t.new_user("Nobody")
    assert_forbidden(u.client.put(flags_path(feature="temporary_enrollments"), form={"state": "on"}),
                     "manage_feature_flags", t.root_account_id)
    assert t.anon.get(flags_path()).status == 401


def test_account_settings_switch_conditions(stack):
    t = stack.new_tenant()
    assert perms_of(t.admin, ["view_notifications"]) == {"view_notifications": False}
    r = t.admin.put("/api/v1/accounts/self", form={"account[settings][admins_can_view_notifications]": "true"})
    assert r.status == 200, r
    assert r.json()["settings"]["admins_can_view_notifications"] is True, r.json()
    assert "warnings" not in r.json()
    # on by default for nobody, but now listed (and so writable) in role JSON
    assert "view_notifications" in t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    r = t.admin.put("/api/v1/accounts/self", json_body={"account": {"settings": {
        "admins_can_view_notifications": {"value": False}, "mfa_settings": "optional",
        "plugin_assignment_freezer": True}}})
    assert r.status == 200, r
    st = r.json()["settings"]
    assert st["admins_can_view_notifications"] is False and st["mfa_settings"] == "optional", st
    assert perms_of(t.admin, ["reset_any_mfa", "manage_frozen_assignments"]) == {
        "reset_any_mfa": True, "manage_frozen_assignments": True}
    assert "view_notifications" not in t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]


def test_account_settings_read_booleans_as_canvas(stack):
    """canvas-conventions.md: value_to_boolean, yes y true t on 1 / no n false f off 0, else to_i != 0."""
    t = stack.new_tenant()
    key = "account[settings][catalog_enabled]"
    for v, want in [("yes", True), ("N", False), ("t", True), ("f", False), ("2", True), ("banana", False),
                    ("Y", True), ("off", False), (" 07", True), ("0_0", False), ("", False)]:
        r = t.admin.put("/api/v1/accounts/self", form={key: v})
        assert r.status == 200 and r.json()["settings"]["catalog_enabled"] is want, (v, r)
    for v, want in [("yes", True), (0, False), (2, True), ("no", False), (True, True), (None, False)]:
        r = t.admin.put("/api/v1/accounts/self", json_body={"account": {"settings": {"catalog_enabled": v}}})
        assert r.status == 200 and r.json()["settings"]["catalog_enabled"] is want, (v, r)
    r = t.admin.put("/api/v1/accounts/self", json_body={"account": {"settings": {"catalog_enabled": [1]}}})
    assert r.status == 400, r


def test_account_settings_ignored_are_warned(stack):
    t = stack.new_tenant()
    s = sub_account(t)
    r = t.admin.put("/api/v1/accounts/self", form={"account[settings][no_such_setting]": "1"})
    assert r.status == 200, r
    [w] = r.json()["warnings"]
    assert w["setting"] == "no_such_setting" and w["reason"] == "unknown_setting", w
    r = t.admin.put("/api/v1/accounts/%d" % s, form={"account[settings][catalog_enabled]": "1"})
    assert r.status == 200 and r.json()["warnings"][0]["reason"] == "root_account_only", r
    assert t.admin.put("/api/v1/accounts/self", form={"account[settings][mfa_settings]": "maybe"}).status == 400
    assert t.admin.put("/api/v1/accounts/self", form={"account[settings]": "x"}).status == 400


def test_account_settings_need_manage_account_settings(stack):
    t = stack.new_tenant()
    role = make_role(t, "Flagger")
    override(t, t.root_account_id, role, "manage_feature_flags")
    u = t.new_user("Flagger")
    t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id, "role_id": role})
    assert_forbidden(u.client.put("/api/v1/accounts/self", form={"account[settings][catalog_enabled]": "1"}),
                     "manage_account_settings", t.root_account_id)
    r = u.client.put(flags_path(feature="analytics_hub"), form={"state": "on"})
    assert r.status == 200, r


def test_operator_cli_sets_the_same_conditions(stack):
    t = stack.new_tenant()
    p = stack.cli("tenant", "set", "--host", t.host, "--feature", "temporary_enrollments=on",
                  "--setting", "admins_can_view_notifications=true", "--setting", "mfa_settings=required",
                  "--audit-retention-days", "30")
    import json
    out = json.loads(p.stdout)
    assert out["features"]["temporary_enrollments"] == "on", out
    assert out["settings"]["admins_can_view_notifications"] is True and out["settings"]["mfa_settings"] == "required"
    assert out["audit_retention_days"] == 30
    # no option: the tenant's as they are (README "The binary": every option is optional)
    assert json.loads(stack.cli("tenant", "set", "--host", t.host).stdout) == out
    assert t.admin.get(flags_path(feature="temporary_enrollments")).json()["state"] == "on"
    assert perms_of(t.admin, ["temporary_enrollments_add", "reset_any_mfa"]) == {
        "temporary_enrollments_add": True, "reset_any_mfa": True}
    bad = stack.cli("tenant", "set", "--host", t.host, "--feature", "no_such_feature=on", check=False)
    assert bad.returncode != 0 and "no_such_feature" in bad.stderr, bad.stderr
    bad = stack.cli("tenant", "set", "--host", t.host, "--feature", "temporary_enrollments", check=False)
    assert bad.returncode == 2, "NAME=VALUE expected"
    ev = [e for e in t.admin.get("/api/v1/accounts/self/audit", params={"per_page": 50}).json()
          if e["entity"] == "feature_flag"]
    assert ev and ev[0]["user_id"] is None and ev[0]["request_id"] is None, "the operator's change, audited"
