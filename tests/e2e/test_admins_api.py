"""Account admins (issue #5): list, add (role_id defaulting to AccountAdmin), remove, admins/self, and the
rule that nobody hands out more than they hold."""
from accounts_helpers import (assert_401, assert_404, assert_forbidden, builtin_role, links, make_role, member,
                              override, path_of, sub_account)


def test_list_shows_the_tenant_admin(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/accounts/self/admins")
    assert r.status == 200, r
    [a] = r.json()
    assert a["role"] == "AccountAdmin" and a["role_id"] == builtin_role(t) and a["workflow_state"] == "active", a
    assert a["user"]["id"] == t.admin_user_id and a["user"]["login_id"] == "admin", a
    assert "/api/v1/accounts/%d/admins?" % t.root_account_id in r.header("Link"), r


def test_add_default_role_and_idempotent(stack):
    t = stack.new_tenant()
    u = t.new_user("New Admin")
    r = t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id})
    assert r.status == 200 and r.json()["role"] == "AccountAdmin" and r.json()["user"]["id"] == u.id, r
    again = t.admin.post("/api/v1/accounts/self/admins", json_body={"user_id": u.id})
    assert again.status == 200 and again.json()["id"] == r.json()["id"], again
    assert u.client.get("/api/v1/accounts/self").status == 200
    ids = [a["user"]["id"] for a in t.admin.get("/api/v1/accounts/self/admins").json()]
    assert sorted(ids) == sorted([t.admin_user_id, u.id]), ids


def test_add_custom_role_by_id_and_name(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    role = make_role(t, "Auditor")
    u = t.new_user("Aud")
    r = t.admin.post("/api/v1/accounts/%d/admins" % sub, form={"user_id": str(u.id), "role_id": str(role)})
    assert r.status == 200 and r.json()["role"] == "Auditor" and r.json()["role_id"] == role, r
    v = t.new_user("Aud2")
    r = t.admin.post("/api/v1/accounts/%d/admins" % sub, form={"user_id": str(v.id), "role": "Auditor"})
    assert r.status == 200 and r.json()["role_id"] == role, r


def test_add_rejects_unusable_roles(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    u = t.new_user("U")
    below = make_role(t, "Below", sub)
    inactive = make_role(t, "Gone", state="inactive")
    other = stack.new_tenant()
    other_role = make_role(other, "Theirs")
    for rid in (below, inactive, builtin_role(t, "TeacherEnrollment"), builtin_role(t, "AccountMembership"),
                make_role(t, "Teachy", base="TeacherEnrollment"), other_role, "abc", "999999999"):
        r = t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id, "role_id": rid})
        assert_404(r)
    assert t.sql("SELECT count(*) FROM account_users WHERE tenant_id = %d AND user_id = %d" % (t.id, u.id))[-1][0] == "0"


def test_add_errors(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/admins", form={})
    assert r.status == 400 and r.json() == {"message": "missing required parameter 'user_id'"}, r
    assert_404(t.admin.post("/api/v1/accounts/self/admins", form={"user_id": "999999999"}))
    assert_404(t.admin.post("/api/v1/accounts/self/admins", form={"user_id": o.admin_user_id}))
    assert_404(t.admin.post("/api/v1/accounts/self/admins", form={"user_id": "nobody"}))
    r = t.admin.post("/api/v1/accounts/self/admins", json_body={"user_id": {"x": 1}})
    assert r.status == 400, r


def test_membership_permission_required(stack):
    t = stack.new_tenant()
    u = t.new_user("Plain")
    v = t.new_user("Target")
    assert_401(t.anon.get("/api/v1/accounts/self/admins"))
    assert_forbidden(u.client.get("/api/v1/accounts/self/admins"), "manage_account_memberships", t.root_account_id)
    assert_forbidden(u.client.post("/api/v1/accounts/self/admins", form={"user_id": v.id}),
                     "manage_account_memberships", t.root_account_id)
    assert_forbidden(u.client.delete("/api/v1/accounts/self/admins/%d" % t.admin_user_id),
                     "manage_account_memberships", t.root_account_id)


def test_nobody_grants_more_than_they_hold(stack):
    t = stack.new_tenant()
    mgr = make_role(t, "Membership manager")
    override(t, t.root_account_id, mgr, "manage_account_memberships")
    small = make_role(t, "Small")
    m = t.new_user("Manager")
    member(t, t.root_account_id, m.id, mgr)
    u = t.new_user("Target")
    r = m.client.post("/api/v1/accounts/self/admins", form={"user_id": u.id})  # AccountAdmin: far more
    assert r.status == 403 and r.json()["errors"][0]["error_code"] == "missing_permission", r
    assert r.json()["errors"][0]["permission"] != "manage_account_memberships", r
    r = m.client.post("/api/v1/accounts/self/admins", form={"user_id": u.id, "role_id": small})
    assert r.status == 200, r
    r = m.client.post("/api/v1/accounts/self/admins", form={"user_id": u.id, "role_id": mgr})
    assert r.status == 200, r
    # and cannot remove the tenant admin either
    r = m.client.delete("/api/v1/accounts/self/admins/%d" % t.admin_user_id)
    assert r.status == 403, r


def test_remove(stack):
    t = stack.new_tenant()
    role = make_role(t, "Aud")
    u = t.new_user("U")
    t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id})
    t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id, "role_id": role})
    r = t.admin.delete("/api/v1/accounts/self/admins/%d" % u.id, params={"role_id": role})
    assert r.status == 200 and r.json()["workflow_state"] == "deleted" and r.json()["role_id"] == role, r
    assert_404(t.admin.delete("/api/v1/accounts/self/admins/%d" % u.id, params={"role_id": role}))
    r = t.admin.delete("/api/v1/accounts/self/admins/%d" % u.id)  # default role AccountAdmin
    assert r.status == 200 and r.json()["role"] == "AccountAdmin", r
    assert_forbidden(u.client.get("/api/v1/accounts/self"), "read", t.root_account_id)
    assert_404(t.admin.delete("/api/v1/accounts/self/admins/%d" % u.id))
    assert_404(t.admin.delete("/api/v1/accounts/self/admins/nobody"))


def test_remove_membership_of_inactive_role(stack):
    t = stack.new_tenant()
    role = make_role(t, "Soon inactive")
    u = t.new_user("U")
    member(t, t.root_account_id, u.id, role)
    t.sql("UPDATE roles SET workflow_state = 'inactive' WHERE id = %d" % role)
    r = t.admin.delete("/api/v1/accounts/self/admins/%d" % u.id, params={"role_id": role})
    assert r.status == 200, r


def test_admins_self(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    u = t.new_user("U")
    assert u.client.get("/api/v1/accounts/self/admins/self").json() == []
    member(t, sub, u.id, builtin_role(t))
    r = u.client.get("/api/v1/accounts/%d/admins/self" % sub)
    assert r.status == 200 and [a["role"] for a in r.json()] == ["AccountAdmin"], r
    assert u.client.get("/api/v1/accounts/self/admins/self").json() == []  # held below, not here
    assert_401(t.anon.get("/api/v1/accounts/self/admins/self"))


def test_list_pages_and_filter(stack):
    t = stack.new_tenant()
    users = [t.new_user("U%d" % i) for i in range(4)]
    for u in users:
        t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id})
    seen, path = [], "/api/v1/accounts/self/admins?per_page=2"
    while path:
        r = t.admin.get(path)
        assert r.status == 200, r
        seen += [a["user"]["id"] for a in r.json()]
        ls = links(r)
        path = path_of(ls["next"]) if "next" in ls else None
    assert seen == [t.admin_user_id] + [u.id for u in users], seen
    r = t.admin.get("/api/v1/accounts/self/admins", params={"page": "2", "per_page": "2"})
    assert [a["user"]["id"] for a in r.json()] == seen[2:4], r
    r = t.admin.get("/api/v1/accounts/self/admins", params=[("user_id[]", users[1].id), ("user_id[]", users[3].id)])
    assert [a["user"]["id"] for a in r.json()] == [users[1].id, users[3].id], r
    r = t.admin.get("/api/v1/accounts/self/admins", params={"user_id[]": "abc"})
    assert r.status == 400, r


def test_list_filter_takes_every_user_id_form(stack):
    # Canvas' api_find_all: sis_user_id:<v> and self as well as numbers; an id of nobody matches nothing
    t = stack.new_tenant()
    u = t.new_user("Sis admin")
    t.sql("UPDATE users SET sis_user_id = 'SIS-U' WHERE tenant_id = %d AND id = %d" % (t.id, u.id))
    t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id})
    r = t.admin.get("/api/v1/accounts/self/admins", params=[("user_id[]", "sis_user_id:SIS-U")])
    assert r.status == 200 and [a["user"]["id"] for a in r.json()] == [u.id], r
    r = t.admin.get("/api/v1/accounts/self/admins", params=[("user_id[]", "self"), ("user_id[]", "sis_user_id:none")])
    assert r.status == 200 and [a["user"]["id"] for a in r.json()] == [t.admin_user_id], r
    r = t.admin.get("/api/v1/accounts/self/admins", params={"user_id": "sis_user_id:SIS-U"})
    assert r.status == 200 and [a["user"]["id"] for a in r.json()] == [u.id], r
    for big in ("9223372036854775807", "9999999999999999999"):  # ids have 1-19 digits: of nobody, not a 400
        r = t.admin.get("/api/v1/accounts/self/admins", params={"user_id[]": big})
        assert r.status == 200 and r.json() == [], r
    assert t.admin.get("/api/v1/accounts/self/admins", params={"page": "nope"}).status == 404


def test_admins_cross_tenant_404(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    acc = o.root_account_id
    assert_404(t.admin.get("/api/v1/accounts/%d/admins" % acc))
    assert_404(t.admin.get("/api/v1/accounts/%d/admins/self" % acc))
    assert_404(t.admin.post("/api/v1/accounts/%d/admins" % acc, form={"user_id": t.admin_user_id}))
    assert_404(t.admin.delete("/api/v1/accounts/%d/admins/%d" % (acc, o.admin_user_id)))
    assert_404(t.admin.delete("/api/v1/accounts/self/admins/%d" % o.admin_user_id))
    assert_404(t.admin.delete("/api/v1/accounts/self/admins/%d" % t.admin_user_id,
                              params={"role_id": builtin_role(o)}))
