"""Canvas Roles API endpoints (canvas-roles.md §2, §5): every parameter, status and message, through nginx."""
import json

NOT_FOUND = {"errors": [{"message": "The specified resource does not exist."}]}
ROLE_NOT_FOUND = {"message": "role not found"}
PAGE_NOT_FOUND = {"errors": [{"message": "An error occurred.", "error_code": "not_found"}]}
BUILTIN_ORDER = ["AccountAdmin", "StudentEnrollment", "TeacherEnrollment", "TaEnrollment", "DesignerEnrollment",
                 "ObserverEnrollment"]


def sub(t, parent, name, sis=None):
    return int(t.sql("INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id, sis_account_id)"
                     " VALUES (%d, '%s', %d, %d, %s) RETURNING id"
                     % (t.id, name, parent, t.root_account_id, "'%s'" % sis if sis else "NULL"))[-1][0])


def create(t, acct, label, **form):
    form["label"] = label
    r = t.admin.post("/api/v1/accounts/%s/roles" % acct, form=form)
    assert r.status == 200, r
    return r.json()


def one(t, query):
    return t.sql(query)[-1][0]


def count_roles(t, name):
    return int(one(t, "SELECT count(*) FROM roles WHERE tenant_id = %d AND name = '%s'" % (t.id, name)))


def count_overrides(t, role_id):
    return int(one(t, "SELECT count(*) FROM role_overrides WHERE role_id = %d" % role_id))


def grant_membership(t, user, acct, role_id):
    t.sql("INSERT INTO account_users (tenant_id, account_id, user_id, role_id) VALUES (%d, %d, %d, %d)"
          % (t.id, acct, user.id, role_id))


# ---------------------------------------------------------------------------------------------------------
# List
# ---------------------------------------------------------------------------------------------------------

def test_list_builtins_first_in_order(stack):
    t = stack.new_tenant()
    create(t, "self", "Zeta")
    r = t.admin.get("/api/v1/accounts/self/roles")
    assert r.status == 200, r
    names = [x["role"] for x in r.json()]
    assert names == BUILTIN_ORDER + ["Zeta"], names
    aa = r.json()[0]
    assert aa["base_role_type"] == "AccountMembership" and aa["label"] == "Account Admin", aa
    assert aa["workflow_state"] == "built_in" and "account" not in aa and aa["is_account_role"] is True
    assert r.json()[2]["label"] == "Teacher" and r.json()[2]["is_account_role"] is False


def test_list_link_header_exact(stack):
    t = stack.new_tenant()
    create(t, "self", "Seventh")
    host = t.host
    r = t.admin.get("/api/v1/accounts/self/roles", params={"per_page": 5})
    base = "http://%s/api/v1/accounts/%d/roles" % (host, t.root_account_id)
    want = ('<{0}?page=1&per_page=5>; rel="current",<{0}?page=2&per_page=5>; rel="next",'
            '<{0}?page=1&per_page=5>; rel="first",<{0}?page=2&per_page=5>; rel="last"').format(base)
    assert r.header("Link") == want, r.header("Link")
    assert len(r.json()) == 5
    r = t.admin.get("/api/v1/accounts/self/roles", params={"per_page": 5, "page": 2})
    want = ('<{0}?page=2&per_page=5>; rel="current",<{0}?page=1&per_page=5>; rel="prev",'
            '<{0}?page=1&per_page=5>; rel="first",<{0}?page=2&per_page=5>; rel="last"').format(base)
    assert r.header("Link") == want, r.header("Link")
    assert [x["role"] for x in r.json()] == ["ObserverEnrollment", "Seventh"]


def test_list_link_repeats_other_params_sorted_without_token(stack):
    t = stack.new_tenant()
    r = t.anon.get("/api/v1/accounts/self/roles?state[]=inactive&show_inherited=1&access_token=%s&per_page=3"
                   % t.token)
    assert r.status == 200, r
    link = r.header("Link")
    assert "access_token" not in link, link
    assert ("/api/v1/accounts/%d/roles?show_inherited=1&state%%5B%%5D=inactive&page=1&per_page=3>; rel=\"current\""
            % t.root_account_id) in link, link
    assert 'rel="last"' in link and "page=1&per_page=3>; rel=\"last\"" in link


def test_list_pages_and_clamping(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/accounts/self/roles", params={"page": 9})
    assert r.status == 200 and r.json() == [], r
    r = t.admin.get("/api/v1/accounts/self/roles", params={"per_page": 1000})
    assert "per_page=100>" in r.header("Link") and len(r.json()) == 6
    r = t.admin.get("/api/v1/accounts/self/roles", params={"per_page": "abc"})
    assert "per_page=1>" in r.header("Link") and len(r.json()) == 1
    r = t.admin.get("/api/v1/accounts/self/roles", params={"per_page": 0})
    assert len(r.json()) == 1
    for bad in ("0", "-1", "abc", "2abc", "", "08", "1__0", "0x"):
        r = t.admin.get("/api/v1/accounts/self/roles", params={"page": bad})
        assert r.status == 404 and r.json() == PAGE_NOT_FOUND, (bad, r)
    # will_paginate reads page with Ruby's Integer(): 010 is octal 8, 0x2 is 2
    r = t.admin.get("/api/v1/accounts/self/roles", params={"page": "010", "per_page": "1"})
    assert r.status == 200 and "page=8&per_page=1>; rel=\"current\"" in r.header("Link"), r.header("Link")


def test_list_states(stack):
    t = stack.new_tenant()
    a = create(t, "self", "Active One")
    b = create(t, "self", "Inactive One")
    assert t.admin.delete("/api/v1/accounts/self/roles/%d" % b["id"]).status == 200
    r = t.admin.get("/api/v1/accounts/self/roles?state[]=inactive")
    assert [x["id"] for x in r.json()] == [b["id"]], r
    r = t.admin.get("/api/v1/accounts/self/roles?state[]=inactive&state[]=active")
    assert [x["role"] for x in r.json()] == BUILTIN_ORDER + ["Active One", "Inactive One"], r
    r = t.admin.get("/api/v1/accounts/self/roles?state[]=bogus")
    assert [x["id"] for x in r.json()][-1] == a["id"] and len(r.json()) == 7, r
    r = t.admin.get("/api/v1/accounts/self/roles", json_body={"state": ["inactive"]})
    assert [x["id"] for x in r.json()] == [b["id"]], r


def test_list_show_inherited(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    x = sub(t, s, "X")
    top = create(t, "self", "Top")
    mid = create(t, s, "Mid")
    create(t, x, "Below")
    r = t.admin.get("/api/v1/accounts/%d/roles" % s)
    assert [y["role"] for y in r.json()] == BUILTIN_ORDER + ["Mid"], r
    for flag in ("1", "true", "yes", "on", "t"):
        r = t.admin.get("/api/v1/accounts/%d/roles" % s, params={"show_inherited": flag})
        assert [y["id"] for y in r.json()][6:] == [top["id"], mid["id"]], (flag, r)
    r = t.admin.get("/api/v1/accounts/%d/roles" % s, params={"show_inherited": "false"})
    assert len(r.json()) == 7
    # inherited roles are rendered as seen from the URL account: root-only permissions are absent
    body = r.json()[6]
    assert "become_user" not in body["permissions"] and "read_reports" in body["permissions"]
    assert body["account"]["id"] == s and body["account"]["parent_account_id"] == t.root_account_id


def test_account_id_forms(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S", sis="CS/101.é")
    for ref in ("self", str(t.root_account_id), " %d " % t.root_account_id):
        r = t.admin.get("/api/v1/accounts/%s/roles" % ref.replace(" ", "%20"))
        assert r.status == 200, (ref, r)
        assert "/accounts/%d/roles?" % t.root_account_id in r.header("Link")
    r = t.admin.get("/api/v1/accounts/sis_account_id:CS%2F101.%C3%A9/roles")
    assert r.status == 200 and "/accounts/%d/roles?" % s in r.header("Link"), r
    hexid = "CS/101.é".encode().hex()
    r = t.admin.get("/api/v1/accounts/hex:sis_account_id:%s/roles" % hexid)
    assert r.status == 200 and "/accounts/%d/roles?" % s in r.header("Link"), r
    for ref in ("999999999", "sis_account_id:nope", "nonsense", "99999999999999999999999"):
        r = t.admin.get("/api/v1/accounts/%s/roles" % ref)
        assert r.status == 404 and r.json() == NOT_FOUND, (ref, r)
    other = stack.new_tenant()
    r = t.admin.get("/api/v1/accounts/%d/roles" % other.root_account_id)
    assert r.status == 404 and r.json() == NOT_FOUND, "another tenant's account does not exist here"
    t.sql("UPDATE accounts SET workflow_state = 'deleted' WHERE id = %d" % s)
    r = t.admin.get("/api/v1/accounts/%d/roles" % s)
    assert r.status == 404 and r.json() == NOT_FOUND


def test_json_suffix(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/accounts/self/roles.json")
    assert r.status == 200 and len(r.json()) == 6, r
    r = t.admin.get("/api/v1/accounts/self/roles/TeacherEnrollment.json")
    assert r.status == 200 and r.json()["role"] == "TeacherEnrollment", r


# ---------------------------------------------------------------------------------------------------------
# Authentication and authorisation
# ---------------------------------------------------------------------------------------------------------

def test_anonymous_401_after_role_lookup(stack):
    t = stack.new_tenant()
    r = t.anon.get("/api/v1/accounts/self/roles/nonexistent")
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND, r
    r = t.anon.get("/api/v1/accounts/404404/roles/nonexistent")
    assert r.status == 404 and r.json() == NOT_FOUND, "account resolution comes first"
    for method, path in (("GET", "/roles"), ("GET", "/roles/TeacherEnrollment"), ("POST", "/roles"),
                         ("PUT", "/roles/TeacherEnrollment"), ("DELETE", "/roles/TeacherEnrollment"),
                         ("POST", "/roles/TeacherEnrollment/activate")):
        r = t.anon.request(method, "/api/v1/accounts/self" + path)
        assert r.status == 401, (method, path, r)
        assert r.json() == {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]}
        assert r.header("WWW-Authenticate") == 'Bearer realm="canvas-lms"'


def test_every_canvas_answer_carries_x_request_cost(stack):
    """canvas-conventions.md, Throttling: every API answer carries X-Request-Cost (a float), errors too."""
    t = stack.new_tenant()
    for r in (t.admin.get("/api/v1/accounts/self/roles"), t.admin.get("/api/v1/accounts/self/roles/TeacherEnrollment"),
              t.admin.post("/api/v1/accounts/self/roles", form={"label": "Costly"}),
              t.anon.get("/api/v1/accounts/self/roles"), t.admin.get("/api/v1/accounts/self/roles/nope"),
              t.admin.get("/api/v1/accounts/self/roles", token="f" * 64)):
        cost = r.header("X-Request-Cost")
        assert cost is not None and float(cost) >= 0.0, r
        assert r.header("X-Rate-Limit-Remaining") is None, "rolesd does not throttle"


def test_bad_token_401(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/accounts/self/roles", token="f" * 64)
    assert r.status == 401 and r.json() == {"errors": [{"message": "Invalid access token."}]}, r
    assert r.header("WWW-Authenticate") == 'Bearer realm="canvas-lms"'


def test_not_permitted_403_names_permission(stack):
    t = stack.new_tenant()
    u = t.new_user("Nobody")
    r = u.client.get("/api/v1/accounts/self/roles")
    assert r.status == 403, r
    assert r.json() == {"status": "unauthorized", "errors": [{
        "message": "user not authorized to perform that action", "error_code": "missing_permission",
        "permission": "manage_role_overrides", "account_id": t.root_account_id}]}, r.json()
    assert r.header("WWW-Authenticate") is None
    r = u.client.post("/api/v1/accounts/self/roles", form={"label": "Sneaky"})
    assert r.status == 403 and count_roles(t, "Sneaky") == 0
    r = u.client.get("/api/v1/accounts/self/roles/nonexistent")
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND, "role lookup precedes authorisation"


def test_sub_account_admin_and_grants(stack):
    """§3.3: a custom account role held on S with manage_role_overrides granted at R manages S and X, not R;
    a revocation at X cannot take away a grant made above the membership."""
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    x = sub(t, s, "X")
    mgr = create(t, "self", "Role Manager")
    u = t.new_user("Sub Admin")
    grant_membership(t, u, s, mgr["id"])
    assert u.client.get("/api/v1/accounts/%d/roles" % s).status == 403
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % mgr["id"],
                    form={"permissions[manage_role_overrides][explicit]": 1,
                          "permissions[manage_role_overrides][enabled]": 1})
    assert r.status == 200, r
    assert u.client.get("/api/v1/accounts/%d/roles" % s).status == 200
    assert u.client.get("/api/v1/accounts/%d/roles" % x).status == 200
    r = u.client.get("/api/v1/accounts/self/roles")
    assert r.status == 403 and r.json()["errors"][0]["account_id"] == t.root_account_id, r
    r = t.admin.put("/api/v1/accounts/%d/roles/%d" % (x, mgr["id"]),
                    form={"permissions[manage_role_overrides][explicit]": 1,
                          "permissions[manage_role_overrides][enabled]": 0})
    assert r.status == 200, r
    assert u.client.get("/api/v1/accounts/%d/roles" % x).status == 200, "cannot revoke below the membership"
    # a self-only grant at S does not reach X
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % mgr["id"],
                    form={"permissions[manage_role_overrides][explicit]": 0})
    r = t.admin.put("/api/v1/accounts/%d/roles/%d" % (s, mgr["id"]),
                    form={"permissions[manage_role_overrides][explicit]": 1,
                          "permissions[manage_role_overrides][enabled]": 1,
                          "permissions[manage_role_overrides][applies_to_descendants]": 0})
    assert r.status == 200, r
    t.sql("DELETE FROM role_overrides WHERE account_id = %d" % x)
    assert u.client.get("/api/v1/accounts/%d/roles" % s).status == 200
    assert u.client.get("/api/v1/accounts/%d/roles" % x).status == 403


def test_deactivated_role_keeps_working_for_its_holders(stack):
    """Canvas' Deactivate a role: "prevents it from being assigned to new users. Existing users assigned to
    the role will continue to function with the same permissions they had previously"."""
    t = stack.new_tenant()
    mgr = create(t, "self", "Manager", **{"permissions[manage_role_overrides][explicit]": 1,
                                          "permissions[manage_role_overrides][enabled]": 1})
    u = t.new_user("Mgr")
    grant_membership(t, u, t.root_account_id, mgr["id"])
    assert u.client.get("/api/v1/accounts/self/roles").status == 200
    assert t.admin.delete("/api/v1/accounts/self/roles/%d" % mgr["id"]).status == 200
    assert u.client.get("/api/v1/accounts/self/roles").status == 200
    assert u.client.get("/api/v1/accounts/self/permissions",
                        params={"permissions[]": "manage_role_overrides"}).json() == {"manage_role_overrides": True}
    # and its overrides still decide what it grants
    t.admin.put("/api/v1/accounts/self/roles/%d" % mgr["id"],
                form={"permissions[manage_role_overrides][explicit]": "1",
                      "permissions[manage_role_overrides][enabled]": "0"})
    assert u.client.get("/api/v1/accounts/self/roles").status == 403
    # but nobody new is given it
    v = t.new_user("New")
    r = t.admin.post("/api/v1/accounts/self/admins", form={"user_id": v.id, "role_id": mgr["id"]})
    assert r.status in (400, 404), r
    # a deleted role (rolesd keeps no API for it; Canvas' soft delete) confers nothing
    t.admin.put("/api/v1/accounts/self/roles/%d" % mgr["id"],
                form={"permissions[manage_role_overrides][explicit]": "1",
                      "permissions[manage_role_overrides][enabled]": "1"})
    assert u.client.get("/api/v1/accounts/self/roles").status == 200
    t.sql("UPDATE roles SET workflow_state = 'deleted', deleted_at = now() WHERE id = %d" % mgr["id"])
    assert u.client.get("/api/v1/accounts/self/roles").status == 403


# ---------------------------------------------------------------------------------------------------------
# Show and role lookup
# ---------------------------------------------------------------------------------------------------------

def test_show_by_id_and_name(stack):
    t = stack.new_tenant()
    role = create(t, "self", "Auditor")
    r = t.admin.get("/api/v1/accounts/self/roles/%d" % role["id"])
    assert r.status == 200, r
    body = r.json()
    assert set(body) == {"id", "role", "label", "base_role_type", "workflow_state", "created_at",
                         "last_updated_at", "is_account_role", "permissions", "account"}, set(body)
    assert body["permissions"]["read_reports"] == {"explicit": False, "readonly": False, "enabled": False,
                                                   "locked": False}
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == 20
    assert t.admin.get("/api/v1/accounts/self/roles/Auditor").json()["id"] == role["id"]
    for name in ("AccountAdmin", "AccountMembership", "NoPermissions", "TeacherEnrollment"):
        r = t.admin.get("/api/v1/accounts/self/roles/%s" % name)
        assert r.status == 200 and r.json()["role"] == name and "account" not in r.json(), (name, r)
    assert t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["base_role_type"] == "AccountMembership"
    r = t.admin.get("/api/v1/accounts/self/roles/nonexistent")
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND, r
    r = t.admin.get("/api/v1/accounts/self/roles/999999999")
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND, r
    r = t.admin.get("/api/v1/accounts/self/roles/Bench%20Auditor")
    assert r.status == 404


def test_show_role_scoping(stack):
    t = stack.new_tenant()
    s1 = sub(t, t.root_account_id, "S1")
    s2 = sub(t, t.root_account_id, "S2")
    top = create(t, "self", "Shared")
    on_s1 = create(t, s1, "Local")
    assert t.admin.get("/api/v1/accounts/%d/roles/%d" % (s2, top["id"])).status == 200, "ancestor role"
    r = t.admin.get("/api/v1/accounts/%d/roles/%d" % (s2, on_s1["id"]))
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND, "a sibling's role is not visible"
    assert t.admin.get("/api/v1/accounts/self/roles/%d" % on_s1["id"]).status == 404, "nor a descendant's"
    # by name the lowest id on the chain wins (Canvas' get_role_by_name: role_scope.first), not the nearest
    near = create(t, s1, "Shared")
    assert t.admin.get("/api/v1/accounts/%d/roles/Shared" % s1).json()["id"] == top["id"]
    assert t.admin.get("/api/v1/accounts/%d/roles/Shared" % s2).json()["id"] == top["id"]
    low = create(t, s1, "Later")
    create(t, "self", "Later")
    assert t.admin.get("/api/v1/accounts/%d/roles/Later" % s1).json()["id"] == low["id"]
    # and an update by name renames that one, which is inherited here: Canvas' 400
    r = t.admin.put("/api/v1/accounts/%d/roles/Shared" % s1, form={"label": "Renamed"})
    assert r.status == 400, r
    # another tenant's role id does not exist here
    other = stack.new_tenant()
    oid = create(other, "self", "Theirs")["id"]
    assert t.admin.get("/api/v1/accounts/self/roles/%d" % oid).status == 404
    # deleted roles are invisible
    t.sql("UPDATE roles SET workflow_state = 'deleted', deleted_at = now() WHERE id = %d" % top["id"])
    r = t.admin.get("/api/v1/accounts/%d/roles/%d" % (s1, top["id"]))
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND
    assert t.admin.get("/api/v1/accounts/%d/roles/Shared" % s1).json()["id"] == near["id"]


def test_show_sub_account_omits_root_only_permissions(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    root = t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    below = t.admin.get("/api/v1/accounts/%d/roles/AccountAdmin" % s).json()["permissions"]
    for p in ("become_user", "import_sis", "manage_sis", "manage_developer_keys"):
        assert p in root and p not in below, p
    for p in ("manage_jobs", "manage_global_outcomes", "manage_catalog", "view_notifications"):
        assert p not in root, p  # site-admin only, or hidden by a default-off condition
    assert "create_access_tokens" in root and "create_access_tokens" not in below  # on in rolesd; root-only
    assert root["manage_lti_add"]["group"] == "manage_lti"
    teacher = t.admin.get("/api/v1/accounts/self/roles/TeacherEnrollment").json()["permissions"]
    assert teacher["manage_account_settings"] == {"explicit": False, "readonly": True, "enabled": False,
                                                  "locked": True}
    assert teacher["manage_grades"]["enabled"] is True


def test_conditions_are_per_tenant(stack):
    t = stack.new_tenant()
    perms = t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    assert "manage_catalog" not in perms and "view_quiz_answer_audits" in perms, "hosted-Canvas defaults"
    t.sql("UPDATE tenants SET settings = jsonb_set(settings, '{canvas_conditions}', "
          "'{\"catalog_enabled\": true, \"quiz_log_auditing\": false}') WHERE id = %d" % t.id)
    perms = t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    assert "manage_catalog" in perms and "view_quiz_answer_audits" not in perms
    other = stack.new_tenant()
    perms = other.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["permissions"]
    assert "manage_catalog" not in perms and "view_quiz_answer_audits" in perms


# ---------------------------------------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------------------------------------

def test_create_requires_role(stack):
    t = stack.new_tenant()
    for form in ({}, {"label": ""}, {"label": "   "}, {"role": " "}, {"label": " ", "role": ""},
                 {"label": "\u00a0"}, {"label": "\u3000\u2003\t"}):
        r = t.admin.post("/api/v1/accounts/self/roles", form=form)
        assert r.status == 400 and r.json() == {"message": "missing required parameter 'role'"}, (form, r)
    # Rails' blank? is Unicode whitespace: a no-break-space label falls back to `role`
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "\u00a0", "role": "Fallback"})
    assert r.status == 200 and r.json()["role"] == "Fallback", r
    assert create(t, "self", "\u200b")["role"] == "\u200b", "a zero-width space is not whitespace"


def test_create_label_role_and_defaults(stack):
    t = stack.new_tenant()
    body = create(t, "self", "Auditor")
    assert body["role"] == "Auditor" and body["label"] == "Auditor"
    assert body["base_role_type"] == "AccountMembership" and body["workflow_state"] == "active"
    assert body["is_account_role"] is True and "base_role_type_label" not in body
    assert body["account"]["id"] == t.root_account_id
    r = t.admin.post("/api/v1/accounts/self/roles", form={"role": "Old Style"})
    assert r.status == 200 and r.json()["role"] == "Old Style", r
    r = t.admin.post("/api/v1/accounts/self/roles", form={"role": "Ignored", "label": "Label Wins"})
    assert r.json()["role"] == "Label Wins"
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "  ", "role": "Role Used"})
    assert r.json()["role"] == "Role Used"


def test_create_base_role_type_label(stack):
    t = stack.new_tenant()
    for base, label in (("StudentEnrollment", "Student"), ("TeacherEnrollment", "Teacher"), ("TaEnrollment", "TA"),
                        ("DesignerEnrollment", "Designer"), ("ObserverEnrollment", "Observer")):
        body = create(t, "self", "Custom " + base, base_role_type=base)
        assert body["base_role_type_label"] == label and body["base_role_type"] == base, body
        assert body["is_account_role"] is False
        assert "base_role_type_label" not in t.admin.get("/api/v1/accounts/self/roles/%d" % body["id"]).json()
    body = create(t, "self", "Custom Admin", base_role_type="AccountAdmin")
    assert body["base_role_type"] == "AccountAdmin" and "base_role_type_label" not in body
    assert body["permissions"]["manage_role_overrides"]["enabled"] is True


def test_create_validation_errors(stack):
    t = stack.new_tenant()

    def err(form):
        r = t.admin.post("/api/v1/accounts/self/roles", form=form)
        assert r.status == 400, (form, r)
        return r.json()["errors"]

    e = err({"label": "Good Name", "base_role_type": "notagoodbaserole"})
    assert e["base_role_type"][0]["message"] == "is invalid" and e["base_role_type"][0]["attribute"] == "base_role_type"
    assert err({"label": "Good Name", "base_role_type": ""})["base_role_type"][0]["message"] == "is invalid"
    for reserved in ("student", "teacher", "StudentEnrollment", "NilEnrollment", "StudentViewEnrollment"):
        assert err({"label": reserved})["name"][0]["message"] == "is reserved", reserved
    for builtin_label in ("Teacher", "Student", "TA", "Designer", "Observer", "Account Admin"):
        assert err({"label": builtin_label})["label"][0]["message"] == "A role with this name already exists"
    create(t, "self", "Taken")
    assert err({"label": "Taken"})["label"][0]["message"] == "A role with this name already exists"
    assert err({"label": "x" * 256})["name"][0]["message"].startswith("is too long")
    assert count_roles(t, "Good Name") == 0


def test_validation_error_body_in_canvas_order(stack):
    """§2.10: InstructureHashReporter writes each error as {attribute, type, message}, and the attributes come
    in the order Role's validations add them (base_role_type's inclusion before name's exclusion)."""
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "student", "base_role_type": "bad"})
    assert r.status == 400
    assert r.text == ('{"errors":{"base_role_type":[{"attribute":"base_role_type","type":"inclusion",'
                      '"message":"is invalid"}],"name":[{"attribute":"name","type":"exclusion",'
                      '"message":"is reserved"}]}}'), r
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Teacher"})
    dup = "A role with this name already exists"
    assert r.text == '{"errors":{"label":[{"attribute":"label","type":"%s","message":"%s"}]}}' % (dup, dup), r


def test_create_name_reuse_rules(stack):
    t = stack.new_tenant()
    s1 = sub(t, t.root_account_id, "S1")
    s2 = sub(t, t.root_account_id, "S2")
    create(t, s1, "Same")
    create(t, s2, "Same")
    create(t, "self", "Same")  # an ancestor may hold the same name too
    old = create(t, s1, "Retired")
    assert t.admin.delete("/api/v1/accounts/%d/roles/%d" % (s1, old["id"])).status == 200
    create(t, s1, "Retired")  # inactive roles never conflict
    assert create(t, "self", "case", base_role_type="AccountMembership")["role"] == "case"
    assert create(t, "self", "CASE")["role"] == "CASE"


def test_create_json_and_multipart(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/roles", json_body={
        "label": "From JSON", "base_role_type": "TaEnrollment",
        "permissions": {"read_forum": {"explicit": True, "enabled": False}}})
    assert r.status == 200, r
    assert r.json()["permissions"]["read_forum"]["explicit"] is True
    assert r.json()["permissions"]["read_forum"]["enabled"] is False
    r = t.admin.post("/api/v1/accounts/self/roles", multipart={
        "label": "From Multipart", "permissions[read_reports][explicit]": "1",
        "permissions[read_reports][enabled]": "1"})
    assert r.status == 200 and r.json()["permissions"]["read_reports"]["enabled"] is True, r


def test_create_is_atomic(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/roles", form=[
        ("label", "Half Made"), ("permissions[read_reports][explicit]", "1"),
        ("permissions[read_reports][enabled]", "1"), ("permissions[manage_wiki_create][locked]", "1")])
    assert r.status == 400 and r.json() == {"message": "Cannot change locked status on granular permission"}, r
    assert count_roles(t, "Half Made") == 0, "deliberate difference: nothing is created"
    r = t.admin.post("/api/v1/accounts/self/roles", form={
        "label": "Nobody", "permissions[read_reports][applies_to_self]": "0",
        "permissions[read_reports][applies_to_descendants]": "false"})
    assert r.status == 400 and r.json() == {"message": "Permission must be enabled for someone"}, r
    assert count_roles(t, "Nobody") == 0


# ---------------------------------------------------------------------------------------------------------
# Update
# ---------------------------------------------------------------------------------------------------------

def test_update_label(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    role = create(t, "self", "Before")
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"], form={"label": "After"})
    assert r.status == 200 and r.json()["role"] == "After" and r.json()["label"] == "After", r
    r = t.admin.put("/api/v1/accounts/self/roles/TeacherEnrollment", form={"label": "Professor"})
    assert r.status == 400 and r.json() == {"message": "cannot update the 'label' for a built-in role"}, r
    r = t.admin.put("/api/v1/accounts/self/roles/TeacherEnrollment", form={"label": "Teacher"})
    assert r.status == 200, "the current label is a no-op even for a built-in role"
    r = t.admin.put("/api/v1/accounts/%d/roles/%d" % (s, role["id"]), form={"label": "Renamed Below"})
    assert r.status == 400 and r.json() == {"message": "cannot update the 'label' for an inherited role"}, r
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"], form={"role": "Not A Rename"})
    assert r.status == 200 and r.json()["role"] == "After", "the deprecated role parameter does not rename"
    create(t, "self", "Other")
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"], form={"label": "Other"})
    assert r.status == 400 and r.json()["errors"]["label"][0]["message"] == "A role with this name already exists"
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"], form={"label": "ta"})
    assert r.status == 400 and r.json()["errors"]["name"][0]["message"] == "is reserved"
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"], form={"label": "  "})
    assert r.status == 200 and r.json()["role"] == "After"


def test_update_override_forms(stack):
    t = stack.new_tenant()
    role = create(t, "self", "Forms")
    path = "/api/v1/accounts/self/roles/%d" % role["id"]

    def put(**settings):
        r = t.admin.put(path, form={"permissions[read_reports][%s]" % k: v for k, v in settings.items()})
        assert r.status == 200, r
        return r.json()["permissions"]["read_reports"]

    assert put(explicit=1, enabled=1)["enabled"] is True
    p = put(explicit=1, enabled=0)
    assert p == {"explicit": True, "readonly": False, "enabled": False, "locked": False, "prior_default": False}, p
    assert put(explicit=0, enabled=1)["explicit"] is False, "explicit=0 deletes the override"
    assert count_overrides(t, role["id"]) == 0
    put(explicit=1, enabled=1)
    assert put(explicit=1)["explicit"] is False, "explicit=1 without enabled deletes"
    put(explicit=1, enabled=1)
    assert put(explicit=1, locked=0)["explicit"] is False
    p = put(locked=1)
    assert p["enabled"] is True and p["locked"] is True and p["explicit"] is True, "lock-only row is enabled"
    p = put(explicit=1, enabled=0)
    assert p["locked"] is True and p["enabled"] is False, "locked kept when not given"
    assert put(locked=0)["explicit"] is False, "locked=0 alone deletes"
    p = put(explicit=1, enabled=1, applies_to_self=0)
    assert p["applies_to_self"] is False and p["applies_to_descendants"] is True
    p = put(applies_to_descendants=0, applies_to_self=1)
    assert p == {"explicit": False, "readonly": False, "enabled": False, "locked": False}, "no explicit: deleted"


def test_update_booleans(stack):
    t = stack.new_tenant()
    role = create(t, "self", "Bools")
    path = "/api/v1/accounts/self/roles/%d" % role["id"]
    for truthy in ("1", "true", "TRUE", "yes", "y", "on", "t", "2"):
        r = t.admin.put(path, form={"permissions[read_reports][explicit]": truthy,
                                    "permissions[read_reports][enabled]": truthy})
        assert r.json()["permissions"]["read_reports"]["enabled"] is True, truthy
        t.admin.put(path, form={"permissions[read_reports][explicit]": "0"})
    for falsy in ("0", "false", "no", "n", "off", "f", "abc", ""):
        r = t.admin.put(path, form={"permissions[read_reports][explicit]": "1",
                                    "permissions[read_reports][enabled]": falsy})
        p = r.json()["permissions"]["read_reports"]
        assert p["explicit"] is True and p["enabled"] is False, (falsy, p)
    r = t.admin.put(path, json_body={"permissions": {"read_reports": {"explicit": True, "enabled": True}}})
    assert r.json()["permissions"]["read_reports"]["enabled"] is True
    r = t.admin.put(path, json_body={"permissions": {"read_reports": {"explicit": 1, "enabled": 0}}})
    assert r.json()["permissions"]["read_reports"]["enabled"] is False


def test_update_errors_roll_back_everything(stack):
    t = stack.new_tenant()
    role = create(t, "self", "Rollback")
    path = "/api/v1/accounts/self/roles/%d" % role["id"]
    r = t.admin.put(path, form=[("label", "Renamed"), ("permissions[read_reports][explicit]", "1"),
                                ("permissions[read_reports][enabled]", "1"),
                                ("permissions[manage_files_add][locked]", "0")])
    assert r.status == 400 and r.json() == {"message": "Cannot change locked status on granular permission"}, r
    assert count_overrides(t, role["id"]) == 0 and count_roles(t, "Rollback") == 1
    r = t.admin.put(path, form={"permissions[read_reports][applies_to_self]": "0",
                                "permissions[read_reports][applies_to_descendants]": "0"})
    assert r.status == 400 and r.json() == {"message": "Permission must be enabled for someone"}, r
    # a row that would apply to nobody after a partial update
    t.admin.put(path, form={"permissions[read_reports][explicit]": "1", "permissions[read_reports][enabled]": "1",
                            "permissions[read_reports][applies_to_descendants]": "0"})
    r = t.admin.put(path, form={"permissions[read_reports][applies_to_self]": "0",
                                "permissions[read_reports][locked]": "1"})
    assert r.status == 400 and r.json()["errors"]["base"][0]["message"] == "Must apply to something", r
    assert one(t, "SELECT locked::text FROM role_overrides WHERE role_id = %d" % role["id"]) == "false"


def test_update_groups_and_order(stack):
    t = stack.new_tenant()
    path = "/api/v1/accounts/self/roles/TeacherEnrollment"
    r = t.admin.put(path, form={"permissions[manage_wiki][explicit]": "1", "permissions[manage_wiki][enabled]": "0",
                                "permissions[manage_wiki][locked]": "1"})
    perms = r.json()["permissions"]
    for m in ("manage_wiki_create", "manage_wiki_update", "manage_wiki_delete"):
        assert perms[m]["enabled"] is False and perms[m]["locked"] is True, perms[m]
    # {explicit:1, locked:0} on a group keeps each member's value, changes only the lock
    r = t.admin.put(path, form={"permissions[manage_wiki_update][explicit]": "1",
                                "permissions[manage_wiki_update][enabled]": "1"})
    r = t.admin.put(path, form={"permissions[manage_wiki][explicit]": "1", "permissions[manage_wiki][locked]": "0"})
    perms = r.json()["permissions"]
    assert perms["manage_wiki_update"]["enabled"] is True and perms["manage_wiki_update"]["locked"] is False
    assert perms["manage_wiki_create"]["enabled"] is False and perms["manage_wiki_create"]["explicit"] is True
    # request order: the later entry wins
    r = t.admin.put(path, form=[("permissions[manage_wiki][explicit]", "1"), ("permissions[manage_wiki][enabled]", "1"),
                                ("permissions[manage_wiki_delete][explicit]", "1"),
                                ("permissions[manage_wiki_delete][enabled]", "0")])
    perms = r.json()["permissions"]
    assert perms["manage_wiki_create"]["enabled"] is True and perms["manage_wiki_delete"]["enabled"] is False
    r = t.admin.put(path, form=[("permissions[manage_wiki_delete][explicit]", "1"),
                                ("permissions[manage_wiki_delete][enabled]", "0"),
                                ("permissions[manage_wiki][explicit]", "1"), ("permissions[manage_wiki][enabled]", "1")])
    assert r.json()["permissions"]["manage_wiki_delete"]["enabled"] is True
    r = t.admin.put(path, json_body={"permissions": {
        "manage_wiki": {"explicit": 1, "enabled": 0}, "manage_wiki_create": {"explicit": 1, "enabled": 1}}})
    perms = r.json()["permissions"]
    assert perms["manage_wiki_create"]["enabled"] is True and perms["manage_wiki_update"]["enabled"] is False


def test_update_ignored_entries(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    role = create(t, "self", "Ignorer")
    path = "/api/v1/accounts/self/roles/%d" % role["id"]
    r = t.admin.put(path, form={"permissions[site_admin][explicit]": "1", "permissions[site_admin][enabled]": "1",
                                "permissions[no_such_thing][locked]": "1",
                                "permissions[read_reports][readonly]": "1", "permissions[read_reports][explicit]": "1",
                                "permissions[read_reports][enabled]": "1",
                                "permissions[manage_jobs][explicit]": "1", "permissions[manage_jobs][enabled]": "1"})
    assert r.status == 200 and count_overrides(t, role["id"]) == 0, r
    # root-only permissions are not manageable on a sub-account
    r = t.admin.put("/api/v1/accounts/%d/roles/%d" % (s, role["id"]),
                    form={"permissions[become_user][explicit]": "1", "permissions[become_user][enabled]": "1"})
    assert r.status == 200 and count_overrides(t, role["id"]) == 0
    # account-only permissions are not written for course roles
    teacher = t.admin.get("/api/v1/accounts/self/roles/TeacherEnrollment").json()["id"]
    r = t.admin.put("/api/v1/accounts/self/roles/TeacherEnrollment",
                    form={"permissions[manage_account_settings][explicit]": "1",
                          "permissions[manage_account_settings][enabled]": "1"})
    assert r.status == 200 and count_overrides(t, teacher) == 0
    # conditions off for the tenant: not writable
    r = t.admin.put(path, form={"permissions[manage_catalog][explicit]": "1",
                                "permissions[manage_catalog][enabled]": "1"})
    assert r.status == 200 and count_overrides(t, role["id"]) == 0


def test_update_touches_last_updated_at(stack):
    t = stack.new_tenant()
    role = create(t, "self", "Toucher")
    t.sql("UPDATE roles SET updated_at = '2001-01-01T00:00:00Z' WHERE id = %d" % role["id"])
    before = t.admin.get("/api/v1/accounts/self/roles/%d" % role["id"]).json()["last_updated_at"]
    assert before == "2001-01-01T00:00:00Z"
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"],
                    form={"permissions[read_reports][explicit]": "1", "permissions[read_reports][enabled]": "1"})
    assert r.json()["last_updated_at"] != before
    t.sql("UPDATE roles SET updated_at = '2001-01-01T00:00:00Z' WHERE id = %d" % role["id"])
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % role["id"], form={"permissions[read_reports][explicit]": "0"})
    assert r.json()["last_updated_at"] != before, "deleting an override touches the role too"


def test_update_built_in_and_inherited_roles_store_on_url_account(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    role = create(t, "self", "Inherited")
    r = t.admin.put("/api/v1/accounts/%d/roles/%d" % (s, role["id"]),
                    form={"permissions[read_reports][explicit]": "1", "permissions[read_reports][enabled]": "1"})
    assert r.status == 200 and r.json()["permissions"]["read_reports"]["explicit"] is True
    assert one(t, "SELECT account_id FROM role_overrides WHERE role_id = %d" % role["id"]) == str(s)
    root_view = t.admin.get("/api/v1/accounts/self/roles/%d" % role["id"]).json()["permissions"]["read_reports"]
    assert root_view["enabled"] is False
    assert "warnings" not in r.json(), "no lock above: no warnings key"


def test_warnings_name_the_locking_account(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    x = sub(t, s, "X")
    t.admin.put("/api/v1/accounts/%d/roles/TeacherEnrollment" % s,
                form={"permissions[read_forum][explicit]": "1", "permissions[read_forum][enabled]": "1",
                      "permissions[read_forum][locked]": "1"})
    r = t.admin.put("/api/v1/accounts/%d/roles/TeacherEnrollment" % x,
                    form={"permissions[read_forum][explicit]": "1", "permissions[read_forum][enabled]": "0",
                          "permissions[post_to_forum][explicit]": "1", "permissions[post_to_forum][enabled]": "0"})
    assert r.status == 200, r
    w = r.json()["warnings"]
    assert len(w) == 1 and w[0]["permission"] == "read_forum" and w[0]["locked_by_account_id"] == s, w
    assert w[0]["locked_by_account_name"] == "S" and "S" in w[0]["message"]
    assert r.json()["permissions"]["read_forum"]["enabled"] is True


# ---------------------------------------------------------------------------------------------------------
# Deactivate and activate
# ---------------------------------------------------------------------------------------------------------

def test_deactivate(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    role = create(t, "self", "Goner", **{"permissions[read_reports][explicit]": "1",
                                         "permissions[read_reports][enabled]": "1"})
    r = t.admin.delete("/api/v1/accounts/%d/roles/%d" % (s, role["id"]))
    assert r.status == 404 and r.json() == NOT_FOUND, "an inherited role cannot be deactivated below"
    r = t.admin.delete("/api/v1/accounts/self/roles/%d" % role["id"])
    assert r.status == 200 and r.json()["workflow_state"] == "inactive", r
    assert r.json()["permissions"]["read_reports"]["enabled"] is True, "overrides are kept"
    r = t.admin.delete("/api/v1/accounts/self/roles/%d" % role["id"])
    assert r.status == 400 and r.json() == {"message": "Cannot deactivate an already inactive role"}, r
    r = t.admin.delete("/api/v1/accounts/self/roles/TeacherEnrollment")
    assert r.status == 400 and r.json() == {"message": "Cannot remove a built-in role"}, r
    r = t.admin.delete("/api/v1/accounts/self/roles/nothing")
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND
    assert t.admin.get("/api/v1/accounts/self/roles/%d" % role["id"]).json()["workflow_state"] == "inactive"


def test_activate(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    role = create(t, "self", "Phoenix")
    r = t.admin.post("/api/v1/accounts/self/roles/%d/activate" % role["id"])
    assert r.status == 400 and r.json() == {"message": "An active role already exists with that name"}, r
    r = t.admin.post("/api/v1/accounts/%d/roles/%d/activate" % (s, role["id"]))
    assert r.status == 400 and r.json() == {"message": "Role not found"}, "active and inherited"
    r = t.admin.post("/api/v1/accounts/self/roles/StudentEnrollment/activate")
    assert r.status == 400 and r.json() == {"message": "Role not found"}, r
    assert t.admin.delete("/api/v1/accounts/self/roles/%d" % role["id"]).status == 200
    # an inactive role of an ancestor can be re-activated through a descendant's URL
    r = t.admin.post("/api/v1/accounts/%d/roles/%d/activate" % (s, role["id"]))
    assert r.status == 200 and r.json()["workflow_state"] == "active", r
    assert t.admin.delete("/api/v1/accounts/self/roles/%d" % role["id"]).status == 200
    create(t, "self", "Phoenix")
    r = t.admin.post("/api/v1/accounts/self/roles/%d/activate.json" % role["id"])
    assert r.status == 400 and r.json() == {"message": "An active role already exists with that name"}, r
    r = t.admin.post("/api/v1/accounts/self/roles/ghost/activate")
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND


def test_activate_name_clash_on_ancestor_is_a_validation_error(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    old = create(t, "self", "Twin")
    assert t.admin.delete("/api/v1/accounts/self/roles/%d" % old["id"]).status == 200
    create(t, "self", "Twin")
    r = t.admin.post("/api/v1/accounts/%d/roles/%d/activate" % (s, old["id"]))
    assert r.status == 400 and r.json()["errors"]["label"][0]["message"] == "A role with this name already exists", r


# ---------------------------------------------------------------------------------------------------------
# GET /api/v1/accounts/:account_id/permissions/:permission (§2.7, Canvas' check_account_permission)
# ---------------------------------------------------------------------------------------------------------

def test_check_account_permission_manage_catalog_only(stack):
    t = stack.new_tenant()
    s = sub(t, t.root_account_id, "S")
    r = t.admin.get("/api/v1/accounts/self/permissions/manage_catalog")
    assert r.status == 200 and r.json() == {"permission": "manage_catalog", "granted": False}, \
        "hidden while the catalog_enabled setting is off"
    assert t.admin.put("/api/v1/accounts/self", form={"account[settings][catalog_enabled]": "true"}).status == 200
    r = t.admin.get("/api/v1/accounts/%d/permissions/manage_catalog" % s)
    assert r.status == 200 and r.text == '{"permission":"manage_catalog","granted":true}', r
    assert list(r.json()) == ["permission", "granted"]
    assert t.admin.get("/api/v1/accounts/self/permissions/manage_catalog.json").json()["granted"] is True
    # no manage_role_overrides check: a plain user is told false, not 403
    u = t.new_user("Plain")
    r = u.client.get("/api/v1/accounts/self/permissions/manage_catalog")
    assert r.status == 200 and r.json() == {"permission": "manage_catalog", "granted": False}, r
    for name in ("read_roster", "manage_role_overrides", "nope"):
        r = t.admin.get("/api/v1/accounts/self/permissions/%s" % name)
        assert r.status == 400 and r.json() == {"message": "Permission not found"}, r
    r = t.admin.get("/api/v1/accounts/999999/permissions/manage_catalog")
    assert r.status == 404 and r.json() == NOT_FOUND, "the account is resolved first"


# ---------------------------------------------------------------------------------------------------------
# Bad input: a clear 400 and nothing written
# ---------------------------------------------------------------------------------------------------------

def test_bad_parameter_shapes(stack):
    t = stack.new_tenant()
    role = create(t, "self", "Shape")
    path = "/api/v1/accounts/self/roles"
    cases = [
        ("POST", path, {"json_body": {"label": ["a"]}}, "invalid parameter 'label': expected a string"),
        ("POST", path, {"json_body": {"label": 5}}, "invalid parameter 'label': expected a string"),
        ("POST", path, {"form": {"label[x]": "y"}}, "invalid parameter 'label': expected a string"),
        ("POST", path, {"form": {"label": "L", "base_role_type[]": "x"}},
         "invalid parameter 'base_role_type': expected a string"),
        ("POST", path, {"form": {"label": "L", "permissions": "read_reports"}},
         "invalid parameter 'permissions': expected permission names with settings"),
        ("POST", path, {"form": {"label": "L", "permissions[]": "read_reports"}},
         "invalid parameter 'permissions': expected permission names with settings"),
        ("POST", path, {"form": {"label": "L", "permissions[read_reports]": "1"}},
         "invalid parameter 'permissions[read_reports]': expected a hash of settings"),
        ("PUT", path + "/%d" % role["id"], {"form": {"permissions[read_reports][enabled][]": "1"}},
         "invalid parameter 'permissions[read_reports][enabled]': expected a boolean"),
        ("PUT", path + "/%d" % role["id"], {"json_body": {"permissions": {"read_reports": {"locked": {}}}}},
         "invalid parameter 'permissions[read_reports][locked]': expected a boolean"),
        ("PUT", path + "/%d" % role["id"], {"json_body": {"label": {"a": 1}}},
         "invalid parameter 'label': expected a string"),
        ("GET", path, {"form": {"state[a]": "active"}}, "invalid parameter 'state': expected a list of states"),
        ("GET", path, {"params": {"show_inherited[]": "1"}}, "invalid parameter 'show_inherited': expected a boolean"),
    ]
    for method, p, kw, message in cases:
        r = t.admin.request(method, p, **kw)
        assert r.status == 400 and r.json() == {"message": message}, (method, p, kw, r)
    assert count_roles(t, "L") == 0 and count_overrides(t, role["id"]) == 0
    # the caller is checked first: an anonymous caller with a bad body gets 401
    r = t.anon.post(path, json_body={"label": ["a"]})
    assert r.status == 401, r


def test_malformed_bodies(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/roles", body="{not json", content_type="application/json")
    assert r.status == 400, r
    r = t.admin.post("/api/v1/accounts/self/roles", body="label=%ZZ", content_type="application/x-www-form-urlencoded")
    assert r.status == 400, r
    r = t.admin.request("PATCH", "/api/v1/accounts/self/roles/TeacherEnrollment")
    assert r.status == 405 and "PUT" in r.header("Allow"), r
    assert count_roles(t, "{not json") == 0


def test_read_only_tenant_refuses_writes(stack):
    t = stack.new_tenant()
    t.sql("UPDATE tenants SET read_only = true WHERE id = %d" % t.id)
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Frozen"})
    assert r.status == 503 and r.header("Retry-After") == "1", r
    assert t.admin.get("/api/v1/accounts/self/roles").status == 200
    assert count_roles(t, "Frozen") == 0


def test_json_body_keeps_types(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api/v1/accounts/self/roles", json_body={"per_page": 2, "page": 3})
    assert r.status == 200 and [x["role"] for x in r.json()] == BUILTIN_ORDER[4:6], r
    r = t.admin.get("/api/v1/accounts/self/roles", json_body={"show_inherited": True, "state": "inactive"})
    assert r.status == 200 and r.json() == [], r
    assert json.loads(r.body) == []


def test_marker_text_in_names_is_only_text(stack):
    """Role JSON leaves PostgreSQL with its permissions in a compact marker ("permissions":@...@) that the C
    edge expands (fcgi/canvas_json.c). Names are JSON strings, so the same text inside a role or account name
    is never taken for a marker."""
    t = stack.new_tenant()
    trap = 'x"permissions":@AccountMembership|1|D|1:3@ \\ "permissions":@'
    acct = sub(t, t.root_account_id, "Acct")
    r = t.admin.put("/api/v1/accounts/%d" % acct, form={"account[name]": trap})
    assert r.status == 200, r
    body = create(t, acct, trap, **{"permissions[read_reports][explicit]": "1",
                                    "permissions[read_reports][enabled]": "1"})
    for got in (body, t.admin.get("/api/v1/accounts/%d/roles/%d" % (acct, body["id"])).json()):
        assert got["role"] == trap and got["label"] == trap and got["account"]["name"] == trap
        assert isinstance(got["permissions"], dict) and got["permissions"]["read_reports"]["enabled"] is True
        assert got["permissions"]["read_reports"]["explicit"] is True
    listed = t.admin.get("/api/v1/accounts/%d/roles?per_page=50&show_inherited=1" % acct).json()
    mine = [x for x in listed if x["id"] == body["id"]]
    assert len(mine) == 1 and mine[0]["label"] == trap and "read_reports" in mine[0]["permissions"]
    assert all(isinstance(x["permissions"], dict) and len(x["permissions"]) > 50 for x in listed)


def test_role_head_is_written_exactly(stack):
    """The role's head (id, names, base type, state, times, is_account_role) also leaves PostgreSQL in a compact
    marker ({"@R...@, the name raw after its length) that fcgi/canvas_json.c writes: names with the marker's
    own text, bars, '@', quotes, backslashes and non-ASCII are only text, escaped as to_json escapes them, and
    the times are the stored ones to the second, in UTC."""
    t = stack.new_tenant()
    trap = '{"@R1|active|AccountAdmin|0|0|1:x@ | @ "q" \\ é ✓ {"@R'
    acct = sub(t, t.root_account_id, "Head")
    r = t.admin.put("/api/v1/accounts/%d" % acct, form={"account[name]": trap})
    assert r.status == 200, r
    body = create(t, acct, trap, base_role_type="TeacherEnrollment")
    t.sql("UPDATE roles SET created_at = '1999-12-31T23:59:59.999999Z', updated_at = '2031-06-01T12:00:00.5Z'"
          " WHERE id = %d" % body["id"])
    got = t.admin.get("/api/v1/accounts/%d/roles/%d" % (acct, body["id"])).json()
    assert got["id"] == body["id"] and got["role"] == trap and got["label"] == trap, got
    assert got["base_role_type"] == "TeacherEnrollment" and got["workflow_state"] == "active"
    assert got["is_account_role"] is False and got["account"]["name"] == trap
    assert got["created_at"] == "1999-12-31T23:59:59Z" and got["last_updated_at"] == "2031-06-01T12:00:00Z", got
    assert list(got)[:8] == ["id", "role", "label", "base_role_type", "workflow_state", "created_at",
                             "last_updated_at", "is_account_role"], list(got)
    listed = t.admin.get("/api/v1/accounts/%d/roles?per_page=50&show_inherited=1" % acct).json()
    assert [x for x in listed if x["id"] == body["id"]] == [got]
    # built-in roles: their labels and the account types' shown base type
    b = {x["role"]: x for x in listed if x["workflow_state"] == "built_in"}
    assert b["AccountAdmin"]["label"] == "Account Admin" and b["AccountAdmin"]["base_role_type"] == "AccountMembership"
    assert b["TaEnrollment"]["label"] == "TA" and b["TaEnrollment"]["is_account_role"] is False
    # a custom account role shows its own base type
    helper = create(t, acct, "Helper")
    assert helper["label"] == "Helper" and helper["base_role_type"] == "AccountMembership", helper
    assert helper["is_account_role"] is True and helper["workflow_state"] == "active"


def test_canvas_string_ids_on_request(stack):
    """§5.5: ids are integers, unless the client sends Accept: application/json+canvas-string-ids, when every
    "id" / "..._id" integer (nested ones too) is a string; other numbers and null ids stay as they are."""
    t = stack.new_tenant()
    acct = sub(t, t.root_account_id, "Strings")
    role = create(t, acct, "Stringy")
    plain = t.admin.get("/api/v1/accounts/%d/roles/%d" % (acct, role["id"])).json()
    assert plain["id"] == role["id"] and plain["account"]["id"] == acct and plain["account"]["parent_account_id"] == \
        t.root_account_id
    hdr = {"Accept": "application/json+canvas-string-ids"}
    got = t.admin.get("/api/v1/accounts/%d/roles/%d" % (acct, role["id"]), headers=hdr).json()
    assert got["id"] == str(role["id"]), got
    assert got["account"]["id"] == str(acct) and got["account"]["parent_account_id"] == str(t.root_account_id)
    assert got["account"]["root_account_id"] == str(t.root_account_id) and got["account"]["sis_account_id"] is None
    assert got["account"]["default_storage_quota_mb"] == 500, "only ids change"
    assert got["permissions"] == plain["permissions"]
    listed = t.admin.get("/api/v1/accounts/self/roles", headers=hdr).json()
    assert all(isinstance(x["id"], str) for x in listed), listed
    r = t.admin.get("/api/v1/accounts/self/roles/nope", headers=hdr)
    assert r.status == 404 and r.json() == ROLE_NOT_FOUND


def test_trailing_and_repeated_slashes_as_rails(stack):
    """Rails' router drops a trailing slash and squeezes repeated ones, so Canvas answers these paths."""
    t = stack.new_tenant()
    role = create(t, "self", "Slashed")
    r = t.admin.get("/api/v1/accounts/self/roles/")
    assert r.status == 200 and "Slashed" in [x["role"] for x in r.json()], r
    assert "/roles?page=1&per_page=10>" in r.header("Link"), r.header("Link")
    r = t.admin.get("/api/v1//accounts/self/roles//%d/" % role["id"])
    assert r.status == 200 and r.json()["id"] == role["id"], r
    r = t.admin.put("/api/v1/accounts/self/roles/%d/" % role["id"], form={"label": "Slashed Too"})
    assert r.status == 200 and r.json()["role"] == "Slashed Too", r
    assert t.admin.post("/api/v1/accounts/self/roles/%d/activate/" % role["id"]).status == 400
    assert t.admin.get("/api/v1/accounts//roles").status == 404


def test_blank_permissions_and_label_are_absent(stack):
    """Canvas: `return true if permissions.blank?` (false, [], " " included), and label.presence || role."""
    t = stack.new_tenant()
    before = t.admin.get("/api/v1/accounts/self/roles/TeacherEnrollment").json()
    for kw in [dict(form={"permissions": " "}), dict(json_body={"permissions": []}),
               dict(json_body={"permissions": False}), dict(json_body={"permissions": "\t"})]:
        r = t.admin.put("/api/v1/accounts/self/roles/TeacherEnrollment", **kw)
        assert r.status == 200, (kw, r)
        assert r.json()["permissions"] == before["permissions"], kw
    r = t.admin.post("/api/v1/accounts/self/roles", json_body={"label": "Empty", "permissions": []})
    assert r.status == 200 and r.json()["label"] == "Empty", r
    for i, label in enumerate([False, [], {}]):
        r = t.admin.post("/api/v1/accounts/self/roles", json_body={"label": label})
        assert r.status == 400 and r.json() == {"message": "missing required parameter 'role'"}, (label, r)
        r = t.admin.post("/api/v1/accounts/self/roles", json_body={"label": label, "role": "ByRole%d" % i})
        assert r.status == 200 and r.json()["label"].startswith("ByRole"), (label, r)


def test_group_key_keeps_the_values_from_before_the_request(stack):
    """§2.8: a group's targets carry `currently` from when the target table is built, before the first
    entry: an earlier entry of the same request does not change what the group entry puts back."""
    t = stack.new_tenant()
    path = "/api/v1/accounts/self/roles/TeacherEnrollment"
    grant = {"permissions[manage_wiki_create][explicit]": "1", "permissions[manage_wiki_create][enabled]": "1"}
    assert t.admin.put(path, form=grant).status == 200
    r = t.admin.put(path, body=b"permissions[manage_wiki_create][explicit]=1&permissions[manage_wiki_create][enabled]=0"
                               b"&permissions[manage_wiki][explicit]=1",
                    content_type="application/x-www-form-urlencoded")
    assert r.status == 200, r
    p = r.json()["permissions"]["manage_wiki_create"]
    assert p["explicit"] is True and p["enabled"] is True, p
    # no override before: the group entry removes the one the first entry made
    r = t.admin.put(path, body=b"permissions[manage_wiki_delete][explicit]=1&permissions[manage_wiki_delete][enabled]=0"
                               b"&permissions[manage_wiki][explicit]=1",
                    content_type="application/x-www-form-urlencoded")
    assert r.status == 200, r
    assert r.json()["permissions"]["manage_wiki_delete"]["explicit"] is False, r.json()["permissions"]["manage_wiki_delete"]


def test_parameter_without_value_is_absent(stack):
    """Rack reads a name without '=' as nil: `?page` is page 1 and `?per_page` the default 10."""
    t = stack.new_tenant()
    n = len(t.admin.get("/api/v1/accounts/self/roles").json())
    assert n > 1
    for q in ("page", "per_page", "page&per_page"):
        r = t.admin.get("/api/v1/accounts/self/roles?" + q)
        assert r.status == 200, (q, r)
        assert len(r.json()) == n and "page=1&per_page=10>; rel=\"current\"" in r.header("Link"), (q, r.header("Link"))
    # an empty value is still a value: page= is not a page (will_paginate), per_page= is 0, clamped to 1
    assert t.admin.get("/api/v1/accounts/self/roles?page=").status == 404
    assert len(t.admin.get("/api/v1/accounts/self/roles?per_page=").json()) == 1
    # and the other parameters a link repeats keep the name, as Rails' nil.to_query does: "x="
    assert "/roles?x=&page=1&per_page=10>" in t.admin.get("/api/v1/accounts/self/roles?x").header("Link")


def test_query_string_key_replaces_the_body_one(stack):
    # Rails' params are request_parameters.merge(query_parameters): the query string and the body are parsed
    # apart and a top-level key of the query string wins, its whole value replacing the body's
    t = stack.new_tenant()
    r = t.admin.post("/api/v1/accounts/self/roles", params=[("label", "From Query")], form=[("label", "From Body")])
    assert r.status == 200 and r.json()["role"] == "From Query", r
    r = t.admin.post("/api/v1/accounts/self/roles", params=[("label", "Query JSON")],
                     json_body={"label": "Body JSON", "base_role_type": "TaEnrollment"})
    assert r.status == 200, r
    assert (r.json()["role"], r.json()["base_role_type"]) == ("Query JSON", "TaEnrollment")
    rid = r.json()["id"]
    r = t.admin.put("/api/v1/accounts/self/roles/%d" % rid,
                    params=[("permissions[read_roster][explicit]", "1"), ("permissions[read_roster][enabled]", "0")],
                    form=[("permissions[read_forum][explicit]", "1"), ("permissions[read_forum][enabled]", "0")])
    assert r.status == 200, r
    perms = r.json()["permissions"]
    assert perms["read_roster"]["explicit"] is True and perms["read_roster"]["enabled"] is False
    assert perms["read_forum"]["explicit"] is False and perms["read_forum"]["enabled"] is True
    # the two are not one tree: a scalar in one and a hash in the other do not clash
    r = t.admin.post("/api/v1/accounts/self/roles", params=[("label", "Scalar")], form=[("label[x]", "1")])
    assert r.status == 200 and r.json()["role"] == "Scalar", r


def test_post_with_method_override_as_rack(stack):
    # Canvas keeps Rails' Rack::MethodOverride: a POST whose form body has _method, or else the
    # X-HTTP-Method-Override header, is routed as the method named (any case); a JSON body's or the query
    # string's _method is not read (Rack reads req.POST), and only a POST is overridden
    t = stack.new_tenant()
    rid = create(t, "self", "Override")["id"]
    path = "/api/v1/accounts/self/roles/%d" % rid
    r = t.admin.post(path, form=[("_method", "put"), ("permissions[read_reports][explicit]", "1"),
                                 ("permissions[read_reports][enabled]", "1")])
    assert r.status == 200 and r.json()["permissions"]["read_reports"]["enabled"] is True, r
    assert r.header("Allow") is None
    r = t.admin.post(path, multipart={"_method": "GET"})
    assert r.status == 200 and r.json()["id"] == rid, r
    r = t.admin.post(path, json_body={"_method": "PUT"})
    assert r.status == 405, r
    r = t.admin.post(path + "?_method=PUT", form=[("label", "x")])
    assert r.status == 405, r
    r = t.admin.post(path, form=[("_method", "bogus")], headers={"X-HTTP-Method-Override": "PUT"})
    assert r.status == 405, r
    r = t.admin.put(path, headers={"X-HTTP-Method-Override": "DELETE"})
    assert r.status == 200 and r.json()["workflow_state"] == "active", r
    r = t.admin.post(path, headers={"X-HTTP-Method-Override": "DELETE"})
    assert r.status == 200 and r.json()["workflow_state"] == "inactive", r
    r = t.admin.post("/api/v1/accounts/self/roles", form=[("_method", "GET"), ("per_page", "2")])
    assert r.status == 200 and isinstance(r.json(), list) and len(r.json()) == 2, r
