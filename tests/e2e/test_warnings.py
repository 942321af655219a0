"""No silent no-ops (issue 16): what PUT/POST .../roles ignores in permissions[...] is still a 200, as in
Canvas, and each ignored part is named in "warnings" with the reason, and the fix where there is one."""
from accounts_helpers import sub_account


def warnings_of(r):
    assert r.status == 200, r
    return {(w["permission"], w["reason"]): w for w in r.json().get("warnings", []) if w.get("ignored")}


def test_unknown_permission_is_a_warning(stack):
    t = stack.new_tenant()
    r = t.admin.put("/api/v1/accounts/self/roles/TeacherEnrollment",
                    form={"permissions[read_rosterr][explicit]": "1", "permissions[read_rosterr][enabled]": "0"})
    w = warnings_of(r)[("read_rosterr", "unknown_permission")]
    assert "not a permission" in w["message"] and w["setting"] is None, w
    assert t.sql("SELECT count(*) FROM role_overrides WHERE tenant_id = %d" % t.id)[-1] == ["0"]


def test_root_only_permission_on_a_sub_account(stack):
    t = stack.new_tenant()
    s = sub_account(t)
    r = t.admin.put("/api/v1/accounts/%d/roles/AccountAdmin" % s,
                    form={"permissions[become_user][explicit]": "1", "permissions[become_user][enabled]": "0"})
    w = warnings_of(r)[("become_user", "root_account_only")]
    assert "/api/v1/accounts/%d/roles/" % t.root_account_id in w["message"], w
    # the same request at the root is stored, without a warning
    r = t.admin.put("/api/v1/accounts/self/roles/AccountAdmin",
                    form={"permissions[become_user][explicit]": "1", "permissions[become_user][enabled]": "0"})
    assert r.status == 200 and "warnings" not in r.json(), r.json().get("warnings")
    assert r.json()["permissions"]["become_user"]["enabled"] is False


def test_ignored_settings_are_named(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/roles",
                     form={"label": "Clerk", "permissions[read_roster][explicit]": "1",
                           "permissions[read_roster][enabled]": "1", "permissions[read_roster][enabeld]": "1",
                           "permissions[read_reports][enabled]": "1",
                           "permissions[manage_jobs][explicit]": "1",
                           "permissions[read_sis][explicit]": "1", "permissions[read_sis][readonly]": "1"})
    w = warnings_of(r)
    assert w[("read_roster", "unknown_setting")]["setting"] == "enabeld"
    assert w[("read_reports", "enabled_without_explicit")]["setting"] == "enabled"
    assert ("manage_jobs", "site_admin_only") in w
    assert ("read_sis", "readonly") in w
    assert r.json()["permissions"]["read_roster"]["enabled"] is True, "the known settings still apply"


def test_permission_hidden_by_a_condition_names_it_and_the_fix(stack):
    t = stack.new_tenant()
    form = {"permissions[view_notifications][explicit]": "1", "permissions[view_notifications][enabled]": "1"}
    r = t.admin.put("/api/v1/accounts/self/roles/AccountAdmin", form=form)
    w = warnings_of(r)[("view_notifications", "condition_off")]
    assert w["condition"] == "admins_can_view_notifications", w
    assert w["fix"] == {"method": "PUT", "path": "/api/v1/accounts/%d" % t.root_account_id,
                        "params": {"account[settings][admins_can_view_notifications]": "true"}}, w


def test_course_role_and_unavailable_permission(stack):
    t = stack.new_tenant()
    r = t.admin.put("/api/v1/accounts/self/roles/StudentEnrollment",
                    form={"permissions[manage_account_settings][explicit]": "1",
                          "permissions[manage_account_settings][enabled]": "1"})
    w = warnings_of(r)
    assert ("manage_account_settings", "not_available") in w, w


def test_account_attributes_rolesd_does_not_keep_are_named(stack):
    """PUT /accounts/:id and POST .../sub_accounts: an account[...] member rolesd does not keep (Canvas'
    default_time_zone, a misspelt name) is a 200 that names it in warnings, not a silent no-op."""
    t = stack.new_tenant()
    r = t.admin.put("/api/v1/accounts/self", form={"account[name]": "Renamed", "account[default_time_zone]": "Europe/Paris",
                                                    "account[nmae]": "x", "account[settings][catalog_enabled]": "true",
                                                    "account[settings][bogus]": "1"})
    assert r.status == 200 and r.json()["name"] == "Renamed", r
    w = {x["setting"]: x for x in r.json()["warnings"]}
    assert set(w) == {"account[default_time_zone]", "account[nmae]", "bogus"}, w
    assert w["account[default_time_zone]"]["ignored"] is True and w["account[nmae]"]["reason"] == "unknown_setting"
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "S", "account[default_time_zone]": "UTC"})
    assert r.status == 200 and [x["setting"] for x in r.json()["warnings"]] == ["account[default_time_zone]"], r
    r = t.admin.put("/api/v1/accounts/self", form={"account[name]": "Plain"})
    assert r.status == 200 and "warnings" not in r.json(), r
