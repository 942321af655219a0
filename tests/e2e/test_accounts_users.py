"""Users (issue #5): create in an account, show, list with search_term and keyset pages."""
import uuid

from accounts_helpers import (assert_401, assert_404, assert_forbidden, builtin_role, links, make_role, member,
                              path_of, sub_account)


def login():
    return "u" + uuid.uuid4().hex[:10]


def test_create_user(stack):
    t = stack.new_tenant()
    lg = login()
    r = t.admin.post("/api/v1/accounts/self/users", form={"user[name]": "Sam Smith", "pseudonym[unique_id]": lg,
                                                          "pseudonym[sis_user_id]": "SIS-" + lg})
    assert r.status == 200, r
    u = r.json()
    assert u["name"] == "Sam Smith" and u["sortable_name"] == "Smith, Sam" and u["short_name"] == "Sam Smith", u
    assert u["login_id"] == lg and u["sis_user_id"] == "SIS-" + lg and isinstance(u["id"], int), u
    assert u["created_at"].endswith("Z"), u
    r = t.admin.get("/api/v1/users/%d" % u["id"])
    assert r.status == 200 and r.json() == u, r
    assert t.admin.get("/api/v1/users/sis_user_id:SIS-" + lg).json()["id"] == u["id"]
    hexed = ("SIS-" + lg).encode().hex()
    assert t.admin.get("/api/v1/users/hex:sis_user_id:" + hexed).json()["id"] == u["id"]
    for bad in ("hex:sis_user_id:" + hexed[:-1], "hex:sis_user_id:zz", "hex:sis_user_id:ff", "hex:sis_user_id:"):
        assert t.admin.get("/api/v1/users/" + bad).status == 404, bad


def test_create_user_defaults_name_to_login(stack):
    t = stack.new_tenant()
    lg = login()
    r = t.admin.post("/api/v1/accounts/self/users", json_body={"pseudonym": {"unique_id": lg}})
    assert r.status == 200 and r.json()["name"] == lg and r.json()["sis_user_id"] is None, r


def test_login_unique_in_tenant_case_insensitive(stack):
    t = stack.new_tenant()
    lg = login()
    assert t.admin.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": lg}).status == 200
    r = t.admin.post("/api/v1/accounts/self/users", form={"user[name]": "Dup", "pseudonym[unique_id]": lg.upper()})
    assert r.status == 400, r
    err = r.json()["errors"]["pseudonym"]["unique_id"][0]
    assert err["type"] == "taken" and err["attribute"] == "unique_id", r
    other = stack.new_tenant()
    assert other.admin.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": lg}).status == 200


def test_create_user_validation_writes_nothing(stack):
    t = stack.new_tenant()
    lg = login()
    t.admin.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": lg, "pseudonym[sis_user_id]": "S" + lg})
    before = t.sql("SELECT count(*) FROM users WHERE tenant_id = %d" % t.id)[-1][0]
    r = t.admin.post("/api/v1/accounts/self/users", form={"user[name]": "No login"})
    assert r.status == 400 and r.json()["errors"]["pseudonym"]["unique_id"][0]["message"] == "can't be blank", r
    r = t.admin.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": login(), "pseudonym[sis_user_id]": "S" + lg})
    assert r.status == 400 and r.json()["errors"]["pseudonym"]["sis_user_id"][0]["type"] == "taken", r
    r = t.admin.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": login(), "user[name]": "x" * 300})
    assert r.status == 400 and "name" in r.json()["errors"]["user"], r
    r = t.admin.post("/api/v1/accounts/self/users", json_body={"pseudonym": {"unique_id": ["a"]}})
    assert r.status == 400, r
    assert t.sql("SELECT count(*) FROM users WHERE tenant_id = %d" % t.id)[-1][0] == before


def test_create_user_in_sub_account_is_root_only_permission(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    r = t.admin.post("/api/v1/accounts/%d/users" % sub, form={"pseudonym[unique_id]": login()})
    assert r.status == 200, r
    u = t.new_user("Sub admin")
    member(t, sub, u.id, builtin_role(t))
    # manage_user_logins is root-only: never granted through a sub-account membership
    assert_forbidden(u.client.post("/api/v1/accounts/%d/users" % sub, form={"pseudonym[unique_id]": login()}),
                     "manage_user_logins", sub)
    v = t.new_user("Custom")
    member(t, t.root_account_id, v.id, make_role(t, "Custom"))
    assert_forbidden(v.client.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": login()}),
                     "manage_user_logins", t.root_account_id)
    assert_401(t.anon.post("/api/v1/accounts/self/users", form={"pseudonym[unique_id]": login()}))


def test_show_user_self_or_read_roster(stack):
    t = stack.new_tenant()
    u = t.new_user("Plain")
    v = t.new_user("Other")
    r = u.client.get("/api/v1/users/%d" % u.id)
    assert r.status == 200 and r.json()["id"] == u.id, r
    assert_forbidden(u.client.get("/api/v1/users/%d" % v.id), "read_roster", t.root_account_id)
    assert t.admin.get("/api/v1/users/%d" % v.id).status == 200
    assert_401(t.anon.get("/api/v1/users/%d" % v.id))


def test_show_user_not_found(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    for ref in ("0", "abc", "99999999", str(o.admin_user_id), "sis_user_id:none", "99999999999999999999"):
        assert_404(t.admin.get("/api/v1/users/" + ref))


def test_list_users_subtree_search_and_pages(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    made = []
    for i, name in enumerate(["Zed Adams", "Amy Brown", "Bob Clark", "Cy Dunn"]):
        acc = sub if i % 2 else t.root_account_id
        r = t.admin.post("/api/v1/accounts/%d/users" % acc, form={"user[name]": name, "pseudonym[unique_id]": login()})
        made.append(r.json())
    r = t.admin.get("/api/v1/accounts/%d/users" % sub)
    assert sorted(x["name"] for x in r.json()) == ["Amy Brown", "Cy Dunn"], r
    r = t.admin.get("/api/v1/accounts/self/users", params={"search_term": "clar"})
    assert [x["name"] for x in r.json()] == ["Bob Clark"], r
    r = t.admin.get("/api/v1/accounts/self/users", params={"search_term": "x"})
    # Canvas' SearchTermTooShortError
    assert r.status == 400 and r.json() == {"errors": [{"field": "search_term", "code": "invalid",
                                                        "message": "2 or more characters is required"}]}, r
    # a blank search_term is no search (Canvas: params[:search_term].presence)
    r = t.admin.get("/api/v1/accounts/self/users", params={"search_term": " "})
    assert r.status == 200 and len(r.json()) > 1, r
    seen, path = [], "/api/v1/accounts/self/users?per_page=2"
    while path:
        r = t.admin.get(path)
        assert r.status == 200, r
        seen += [x["sortable_name"] for x in r.json()]
        ls = links(r)
        path = path_of(ls["next"]) if "next" in ls else None
    assert seen == sorted(seen, key=str.lower) and len(seen) == 5, seen  # 4 + the tenant admin
    for page in range(1, 7):
        r = t.admin.get("/api/v1/accounts/self/users", params={"page": str(page), "per_page": "1"})
        assert r.status == 200 and [x["sortable_name"] for x in r.json()] == seen[page - 1:page], (page, r)


def test_list_users_needs_read_roster(stack):
    t = stack.new_tenant()
    u = t.new_user("Nobody")
    assert_forbidden(u.client.get("/api/v1/accounts/self/users"), "read_roster", t.root_account_id)


def test_users_cross_tenant_404(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    assert_404(t.admin.post("/api/v1/accounts/%d/users" % o.root_account_id, form={"pseudonym[unique_id]": login()}))
    assert_404(t.admin.get("/api/v1/accounts/%d/users" % o.root_account_id))
    assert_404(t.admin.get("/api/v1/users/%d" % o.admin_user_id))


def test_users_of_a_deleted_account_belong_to_the_root(stack):
    # their home is then the root (GET /users/:id checks read_roster there), so the root's list shows them
    t = stack.new_tenant()
    sub = sub_account(t)
    r = t.admin.post("/api/v1/accounts/%d/users" % sub,
                     form={"user[name]": "Orphan Olly", "pseudonym[unique_id]": login()})
    uid = r.json()["id"]
    assert t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % sub).status == 200
    r = t.admin.get("/api/v1/accounts/self/users", params={"search_term": "orphan"})
    assert r.status == 200 and [x["id"] for x in r.json()] == [uid], r


def test_create_user_names_ignored_members_in_warnings(stack):
    """Issue 16, no silent no-ops: Canvas' pseudonym[password] or user[time_zone] are not kept; the user is
    created and each ignored member is a warnings entry."""
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/users", form=[("user[name]", "Pat Doe"), ("user[time_zone]", "UTC"),
                                                         ("pseudonym[unique_id]", "pat"),
                                                         ("pseudonym[password]", "secret")])
    assert r.status == 200 and r.json()["login_id"] == "pat", r
    assert sorted((w["setting"], w["reason"]) for w in r.json()["warnings"]) == [
        ("pseudonym[password]", "unknown_setting"), ("user[time_zone]", "unknown_setting")], r
    r = t.admin.post("/api/v1/accounts/self/users", form={"user[name]": "Lee", "pseudonym[unique_id]": "lee"})
    assert r.status == 200 and "warnings" not in r.json(), r
