"""Accounts and sub-accounts (issue #5): show, update, list (keyset pages), create, delete."""
from accounts_helpers import (assert_401, assert_404, assert_forbidden, builtin_role, links, make_role, member,
                              path_of, sub_account)


def test_show_by_every_id_form(stack):
    t = stack.new_tenant(name="Show School")
    sub = sub_account(t, name="Arts", sis="ARTS/1")
    r = t.admin.get("/api/v1/accounts/self")
    assert r.status == 200, r
    body = r.json()
    assert body["id"] == t.root_account_id and body["name"] == "Show School", body
    assert body["parent_account_id"] is None and body["root_account_id"] is None, body
    assert body["workflow_state"] == "active" and body["uuid"], body
    # canvas-conventions.md: an Account has sis_account_id; the root cannot have one
    assert "sis_account_id" in body and body["sis_account_id"] is None, body
    r = t.admin.put("/api/v1/accounts/self", form={"account[name]": "Show School"})
    assert r.status == 200 and r.json()["sis_account_id"] is None, r
    for ref in (str(sub), "sis_account_id:ARTS%2F1", "hex:sis_account_id:" + b"ARTS/1".hex(), " %d " % sub):
        r = t.admin.get("/api/v1/accounts/" + ref.replace(" ", "%20"))
        assert r.status == 200 and r.json()["id"] == sub, (ref, r)
        assert r.json()["parent_account_id"] == t.root_account_id and r.json()["root_account_id"] == t.root_account_id
        assert r.json()["sis_account_id"] == "ARTS/1"


def test_show_not_found_forms(stack):
    t = stack.new_tenant()
    other = stack.new_tenant()
    for ref in ("999999999", "abc", "sis_account_id:nope", "99999999999999999999", str(other.root_account_id),
                "hex:sis_account_id:zz"):
        assert_404(t.admin.get("/api/v1/accounts/" + ref))


def test_show_needs_a_membership(stack):
    t = stack.new_tenant()
    assert_401(t.anon.get("/api/v1/accounts/self"))
    u = t.new_user("Nobody")
    assert_forbidden(u.client.get("/api/v1/accounts/self"), "read", t.root_account_id)
    sub = sub_account(t)
    member(t, sub, u.id, make_role(t, "Viewer", sub))
    assert u.client.get("/api/v1/accounts/%d" % sub).status == 200
    assert_forbidden(u.client.get("/api/v1/accounts/self"), "read", t.root_account_id)


def test_update_name_and_sis(stack):
    t = stack.new_tenant()
    sub = sub_account(t, name="Old")
    r = t.admin.put("/api/v1/accounts/%d" % sub, form={"account[name]": "New", "account[sis_account_id]": "S1"})
    assert r.status == 200 and r.json()["name"] == "New" and r.json()["sis_account_id"] == "S1", r
    r = t.admin.put("/api/v1/accounts/sis_account_id:S1", json_body={"account": {"sis_account_id": None}})
    assert r.status == 200 and r.json()["sis_account_id"] is None and r.json()["name"] == "New", r
    r = t.admin.put("/api/v1/accounts/self", form={"account[name]": "Renamed Root"})
    assert r.status == 200 and r.json()["name"] == "Renamed Root", r


def test_update_validation_writes_nothing(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A", sis="TAKEN")
    b = sub_account(t, name="B")
    r = t.admin.put("/api/v1/accounts/%d" % b, form={"account[name]": "B2", "account[sis_account_id]": "TAKEN"})
    assert r.status == 400, r
    assert r.json()["errors"]["sis_account_id"][0]["message"] == 'SIS ID "TAKEN" is already in use', r
    r = t.admin.put("/api/v1/accounts/%d" % b, form={"account[name]": "  "})
    assert r.status == 400 and r.json()["errors"]["name"][0]["message"] == "can't be blank", r
    r = t.admin.put("/api/v1/accounts/%d" % b, form={"account[name]": "x" * 256})
    assert r.status == 400 and "too long" in r.json()["errors"]["name"][0]["message"], r
    r = t.admin.put("/api/v1/accounts/self", form={"account[sis_account_id]": "ROOT"})
    assert r.status == 400 and "sis_account_id" in r.json()["errors"], r
    r = t.admin.put("/api/v1/accounts/%d" % b, form={"account[name][x]": "nested"})
    assert r.status == 400 and r.json() == {"message": "invalid value for parameter 'account[name]'"}, r
    assert t.admin.get("/api/v1/accounts/%d" % b).json()["name"] == "B"
    assert t.admin.get("/api/v1/accounts/%d" % a).json()["sis_account_id"] == "TAKEN"


def test_move_keeps_a_tree(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    b = sub_account(t, a, name="B")
    c = sub_account(t, b, name="C")
    other = sub_account(t, name="Other")
    for target in (a, b, c):
        r = t.admin.put("/api/v1/accounts/%d" % a, form={"account[parent_account_id]": str(target)})
        assert r.status == 400, r
        assert r.json()["errors"]["parent_account_id"][0]["message"] == \
            "cannot move an account under itself or one of its sub-accounts", r
    assert t.admin.get("/api/v1/accounts/%d" % a).json()["parent_account_id"] == t.root_account_id
    r = t.admin.put("/api/v1/accounts/self", form={"account[parent_account_id]": str(a)})
    assert r.status == 400 and "parent_account_id" in r.json()["errors"], r
    r = t.admin.put("/api/v1/accounts/%d" % b, form={"account[parent_account_id]": str(other)})
    assert r.status == 200 and r.json()["parent_account_id"] == other, r
    chain = t.admin.get("/api/v1/accounts/%d/sub_accounts" % other, params={"recursive": "true"}).json()
    assert [x["id"] for x in chain] == [b, c], chain
    other_tenant = stack.new_tenant()
    assert_404(t.admin.put("/api/v1/accounts/%d" % b,
                           form={"account[parent_account_id]": str(other_tenant.root_account_id)}))


def test_move_needs_the_permission_on_the_new_parent(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    b = sub_account(t, name="B")
    x = sub_account(t, a, name="X")
    u = t.new_user("Sub Admin")
    member(t, a, u.id, builtin_role(t))
    assert_forbidden(u.client.put("/api/v1/accounts/%d" % x, form={"account[parent_account_id]": str(b)}),
                     "manage_account_settings", b)
    assert t.admin.get("/api/v1/accounts/%d" % x).json()["parent_account_id"] == a


def test_update_needs_manage_account_settings(stack):
    t = stack.new_tenant()
    u = t.new_user("Viewer")
    member(t, t.root_account_id, u.id, make_role(t, "Viewer"))
    assert_forbidden(u.client.put("/api/v1/accounts/self", form={"account[name]": "Mine"}),
                     "manage_account_settings", t.root_account_id)
    assert_401(t.anon.put("/api/v1/accounts/self", form={"account[name]": "Mine"}))


def test_create_sub_account(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "Science",
                                                                 "account[sis_account_id]": "SCI"})
    assert r.status == 200, r
    sci = r.json()
    assert sci["parent_account_id"] == t.root_account_id and sci["root_account_id"] == t.root_account_id, sci
    r = t.admin.post("/api/v1/accounts/sis_account_id:SCI/sub_accounts", json_body={"account": {"name": "Bio"}})
    assert r.status == 200 and r.json()["parent_account_id"] == sci["id"], r
    assert r.json()["root_account_id"] == t.root_account_id


def test_create_sub_account_errors_write_nothing(stack):
    t = stack.new_tenant()
    sub_account(t, name="Has SIS", sis="DUP")
    before = t.sql("SELECT count(*) FROM accounts WHERE tenant_id = %d" % t.id)[-1][0]
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[sis_account_id]": "X"})
    assert r.status == 400 and r.json()["errors"]["name"][0]["message"] == "can't be blank", r
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "Dup", "account[sis_account_id]": "DUP"})
    assert r.status == 400 and r.json()["errors"]["sis_account_id"][0]["type"] == "taken", r
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account": "flat"})
    assert r.status == 400, r
    assert t.sql("SELECT count(*) FROM accounts WHERE tenant_id = %d" % t.id)[-1][0] == before


def test_sis_id_unique_per_tenant_only(stack):
    a = stack.new_tenant()
    b = stack.new_tenant()
    for t in (a, b):
        r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "S", "account[sis_account_id]": "SAME"})
        assert r.status == 200, r


def test_create_needs_manage_account_settings_where_it_is_held(stack):
    t = stack.new_tenant()
    sub = sub_account(t, name="Dept")
    u = t.new_user("Dept Admin")
    member(t, sub, u.id, builtin_role(t))
    r = u.client.post("/api/v1/accounts/%d/sub_accounts" % sub, form={"account[name]": "Team"})
    assert r.status == 200, r
    assert_forbidden(u.client.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "Nope"}),
                     "manage_account_settings", t.root_account_id)
    v = t.new_user("Custom")
    member(t, t.root_account_id, v.id, make_role(t, "Custom"))
    assert_forbidden(v.client.post("/api/v1/accounts/%d/sub_accounts" % sub, form={"account[name]": "Nope"}),
                     "manage_account_settings", sub)


def test_list_direct_and_recursive(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    b = sub_account(t, name="B")
    a1 = sub_account(t, a, name="A1")
    a11 = sub_account(t, a1, name="A11")
    r = t.admin.get("/api/v1/accounts/self/sub_accounts")
    assert r.status == 200 and [x["id"] for x in r.json()] == [a, b], r
    r = t.admin.get("/api/v1/accounts/self/sub_accounts", params={"recursive": "1"})
    assert [x["id"] for x in r.json()] == sorted([a, b, a1, a11]), r
    r = t.admin.get("/api/v1/accounts/%d/sub_accounts" % a11)
    assert r.status == 200 and r.json() == [], r


def test_list_keyset_pages(stack):
    t = stack.new_tenant()
    ids = [sub_account(t, name="S%d" % i) for i in range(5)]
    seen, path, pages = [], "/api/v1/accounts/self/sub_accounts?recursive=true&per_page=2", 0
    while path:
        r = t.admin.get(path)
        assert r.status == 200, r
        pages += 1
        seen += [x["id"] for x in r.json()]
        ls = links(r)
        assert "current" in ls and "first" in ls and "last" not in ls, ls
        assert "/api/v1/accounts/%d/sub_accounts?" % t.root_account_id in ls["current"], ls
        assert "recursive=true" in ls["current"] and ls["current"].endswith("per_page=2"), ls
        path = path_of(ls["next"]) if "next" in ls else None
    assert seen == ids and pages == 3, (seen, pages)
    assert t.admin.get("/api/v1/accounts/self/sub_accounts", params={"page": "1"}).status == 200
    # a page number works too (canvas-conventions.md: 1-based, past the end is 200 []); Link goes on by bookmark
    r = t.admin.get("/api/v1/accounts/self/sub_accounts", params={"page": "2", "per_page": "2"})
    assert r.status == 200 and [x["id"] for x in r.json()] == ids[2:4], r
    assert links(r)["current"].endswith("page=2&per_page=2"), links(r)
    r = t.admin.get(path_of(links(r)["next"]))
    assert [x["id"] for x in r.json()] == ids[4:] and "next" not in links(r), r
    r = t.admin.get("/api/v1/accounts/self/sub_accounts", params={"page": "3", "per_page": "2", "recursive": "1"})
    assert [x["id"] for x in r.json()] == ids[4:], r
    # read as the numbered lists read it, Ruby's Integer(): "+2", " 2", "0x2", "1_0" (past the end), "02"
    for page, want in (("+2", ids[2:4]), (" 2", ids[2:4]), ("0x2", ids[2:4]), ("02", ids[2:4]), ("1_0", [])):
        r = t.admin.get("/api/v1/accounts/self/sub_accounts", params={"page": page, "per_page": "2"})
        assert r.status == 200 and [x["id"] for x in r.json()] == want, (page, r)
        r = t.admin.get("/api/v1/accounts/self/roles", params={"page": page, "per_page": "2"})
        assert r.status == 200, (page, r)
    for page in ("4", "99", "99999999999999999999"):
        r = t.admin.get("/api/v1/accounts/self/sub_accounts", params={"page": page, "per_page": "2"})
        assert r.status == 200 and r.json() == [] and "next" not in links(r), (page, r)


def test_list_bad_bookmark_is_404(stack):
    t = stack.new_tenant()
    u = t.new_user("Nobody")
    for page in ("0", "-1", "abc", "bkZZZ", "bk" + "A" * 10):
        r = t.admin.get("/api/v1/accounts/self/sub_accounts", params={"page": page})
        assert r.status == 404, (page, r)
        assert r.json() == {"errors": [{"message": "An error occurred.", "error_code": "not_found"}]}, r
    # not an Integer() (README: "08" is no page, as on the numbered lists): 404 on every keyset list too
    for path in ("/api/v1/accounts/self/sub_accounts", "/api/v1/accounts/self/users", "/api/v1/accounts/self/admins",
                 "/api/v1/accounts/self/audit", "/api/v1/accounts/self/roles"):
        for page in ("08", "09", "0189", "2abc", ""):
            r = t.admin.get(path, params={"page": page})
            assert r.status == 404, (path, page, r)
    # after authentication and authorisation, on every list
    for path in ("/api/v1/accounts/self/sub_accounts", "/api/v1/accounts/self/users", "/api/v1/accounts/self/admins",
                 "/api/v1/accounts/self/audit", "/api/v1/users/%d/tokens" % t.admin_user_id,
                 "/api/v1/accounts/self/roles"):
        assert_401(t.anon.get(path, params={"page": "0"}))
        r = t.admin.get(path, params={"page": "0"}, token="0" * 64)
        assert r.status == 401 and r.json()["errors"][0]["message"] == "Invalid access token.", (path, r)
        assert u.client.get(path, params={"page": "0"}).status == 403, path
        assert t.admin.get(path, params={"page": "0"}).status == 404, path


def test_delete_sub_account(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A", sis="A-SIS")
    a1 = sub_account(t, a, name="A1")
    r = t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % a)
    assert r.status == 409, r
    assert r.json() == {"message": "You can't delete a sub-account that has sub-accounts in it."}, r  # Canvas' text
    r = t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % a1)
    assert r.status == 200 and r.json()["workflow_state"] == "deleted" and r.json()["id"] == a1, r
    assert_404(t.admin.get("/api/v1/accounts/%d" % a1))
    assert_404(t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % a1))
    r = t.admin.delete("/api/v1/accounts/self/sub_accounts/sis_account_id:A-SIS")
    assert r.status == 200, r
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "A again", "account[sis_account_id]": "A-SIS"})
    assert r.status == 200, r


def test_delete_only_below_the_url_account(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    b = sub_account(t, name="B")
    assert_404(t.admin.delete("/api/v1/accounts/%d/sub_accounts/%d" % (a, b)))
    assert_404(t.admin.delete("/api/v1/accounts/%d/sub_accounts/%d" % (a, a)))
    assert_404(t.admin.delete("/api/v1/accounts/self/sub_accounts/self"))
    assert_404(t.admin.delete("/api/v1/accounts/self/sub_accounts/x1"))
    b1 = sub_account(t, b, name="B1")
    assert t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % b1).status == 200
    u = t.new_user("B admin")
    member(t, a, u.id, builtin_role(t))
    assert_forbidden(u.client.delete("/api/v1/accounts/self/sub_accounts/%d" % a), "manage_account_settings",
                     t.root_account_id)


def test_delete_ends_memberships_there(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    u = t.new_user("A admin")
    member(t, a, u.id, builtin_role(t))
    assert t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % a).status == 200
    assert t.sql("SELECT count(*) FROM account_users WHERE tenant_id = %d AND user_id = %d AND workflow_state = 'active'"
                 % (t.id, u.id))[-1][0] == "0"


def test_cross_tenant_ids_are_404_everywhere(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    osub = sub_account(o, name="Theirs")
    mine = sub_account(t, name="Mine")
    for acc in (o.root_account_id, osub):
        assert_404(t.admin.get("/api/v1/accounts/%d" % acc))
        assert_404(t.admin.put("/api/v1/accounts/%d" % acc, form={"account[name]": "x"}))
        assert_404(t.admin.get("/api/v1/accounts/%d/sub_accounts" % acc))
        assert_404(t.admin.post("/api/v1/accounts/%d/sub_accounts" % acc, form={"account[name]": "x"}))
        assert_404(t.admin.delete("/api/v1/accounts/%d/sub_accounts/%d" % (acc, osub)))
        assert_404(t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % acc))
    assert o.admin.get("/api/v1/accounts/%d" % osub).json()["name"] == "Theirs"
    assert_404(o.admin.get("/api/v1/accounts/%d" % mine))


def test_json_suffix_on_trailing_ids(stack):
    t = stack.new_tenant()
    sub = sub_account(t)
    r = t.admin.get("/api/v1/accounts/%d.json" % sub)
    assert r.status == 200 and r.json()["id"] == sub, r
    r = t.admin.get("/api/v1/users/%d.json" % t.admin_user_id)
    assert r.status == 200 and r.json()["id"] == t.admin_user_id, r
    assert t.admin.get("/api/v1/users/self.json").json()["id"] == t.admin_user_id


def test_create_under_parent_account_id(stack):
    """Canvas' SubAccountsController#create: account[parent_account_id] names the parent, the URL account or
    one below it (404 otherwise), and the permission is checked on that parent."""
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    b = sub_account(t, a, name="B")
    other = sub_account(t, name="Other")
    r = t.admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "Under B",
                                                                "account[parent_account_id]": str(b)})
    assert r.status == 200 and r.json()["parent_account_id"] == b and "warnings" not in r.json(), r
    r = t.admin.post("/api/v1/accounts/%d/sub_accounts" % a, json_body={"account": {"name": "Also under B",
                                                                                   "parent_account_id": b}})
    assert r.status == 200 and r.json()["parent_account_id"] == b, r
    # not below the URL account: 404, and nothing is made
    r = t.admin.post("/api/v1/accounts/%d/sub_accounts" % a, form={"account[name]": "Stray",
                                                                  "account[parent_account_id]": str(other)})
    assert_404(r)
    assert "Stray" not in [x["name"] for x in t.admin.get("/api/v1/accounts/self/sub_accounts",
                                                          params={"recursive": "1", "per_page": "100"}).json()]
    # the permission is the parent's: an admin of B may create under B through the root's URL
    u = t.new_user("B admin")
    member(t, b, u.id, builtin_role(t, "AccountAdmin"))
    r = u.client.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "By B's admin",
                                                                  "account[parent_account_id]": str(b)})
    assert r.status == 200 and r.json()["parent_account_id"] == b, r
    assert_forbidden(u.client.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "At root"}),
                     "manage_account_settings", t.root_account_id)
