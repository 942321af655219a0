"""Preview of a change (issue 16 item 5): dry_run=true answers the write's answer plus `effects` and writes
nothing (the tenant's rows, audit trail included, are unchanged); the real write afterwards changes exactly
what the preview said, checked through the permissions APIs."""
from accounts_helpers import builtin_role, make_role, member, sub_account
from test_hostile_http import Unchanged


def ok(r, status=200):
    assert r.status == status, r
    return r.json()


def perms_of(user, account):
    """Every manageable permission the user holds on the account (the permissions API), as a set."""
    return {k for k, v in ok(user.client.get("/api/v1/accounts/%d/permissions" % account)).items() if v}


def snapshot(users, accounts):
    return {(u.id, a): perms_of(u, a) for u in users for a in accounts}


def observed(before, after):
    """The changes between two snapshots in the shape of `effects`."""
    out = []
    for key in sorted(before):
        gained, lost = sorted(after[key] - before[key]), sorted(before[key] - after[key])
        if gained or lost:
            out.append({"user_id": key[0], "account_id": key[1], "gained": gained, "lost": lost})
    return out


def preview(t, method, path, form, expect_status=200):
    with Unchanged(t.stack, t):
        body = ok(t.admin.request(method, path, form=form + [("dry_run", "true")]), expect_status)
    return body


def test_put_role_previews_overrides_down_the_tree(stack):
    t = stack.new_tenant()
    s = sub_account(t, name="Science")
    x = sub_account(t, s, name="Lab")
    role = make_role(t, "Clerk")
    a, b, other = t.new_user("A"), t.new_user("B"), t.new_user("Other")
    member(t, t.root_account_id, a.id, role)
    member(t, s, b.id, role)
    member(t, x, other.id, make_role(t, "Other role"))
    form = [("permissions[read_roster][explicit]", "1"), ("permissions[read_roster][enabled]", "1"),
            ("permissions[read_reports][explicit]", "1"), ("permissions[read_reports][enabled]", "1"),
            ("permissions[read_reports][applies_to_self]", "0")]
    body = preview(t, "PUT", "/api/v1/accounts/%d/roles/%d" % (s, role), form)
    # the usual answer, as if written
    assert body["role"] == "Clerk" and body["permissions"]["read_roster"]["enabled"] is True, body
    assert body["effects_next"] is None
    assert body["effects"] == [
        {"user_id": a.id, "account_id": s, "gained": ["read_roster"], "lost": []},
        {"user_id": a.id, "account_id": x, "gained": ["read_reports", "read_roster"], "lost": []},
        {"user_id": b.id, "account_id": s, "gained": ["read_roster"], "lost": []},
        {"user_id": b.id, "account_id": x, "gained": ["read_reports", "read_roster"], "lost": []},
    ], body["effects"]
    users, accounts = [a, b, other], [t.root_account_id, s, x]
    before = snapshot(users, accounts)
    real = ok(t.admin.put("/api/v1/accounts/%d/roles/%d" % (s, role), form=form))
    assert "effects" not in real
    assert observed(before, snapshot(users, accounts)) == body["effects"]


def test_put_role_rename_only_has_no_effects(stack):
    t = stack.new_tenant()
    role = make_role(t, "Clerk")
    member(t, t.root_account_id, t.new_user("A").id, role)
    body = preview(t, "PUT", "/api/v1/accounts/self/roles/%d" % role, [("label", "Registrar")])
    assert body["label"] == "Registrar" and body["effects"] == [] and body["effects_next"] is None, body


def test_put_role_effects_are_paged(stack):
    t = stack.new_tenant()
    role = make_role(t, "Clerk")
    u = t.new_user("A")
    member(t, t.root_account_id, u.id, role)
    subs = [sub_account(t, name="S%d" % i) for i in range(60)]
    form = [("permissions[read_roster][explicit]", "1"), ("permissions[read_roster][enabled]", "1")]
    path = "/api/v1/accounts/self/roles/%d" % role
    seen, after, pages = [], None, 0
    while True:
        body = preview(t, "PUT", path, form + ([("effects_after", after)] if after else []))
        seen += body["effects"]
        pages += 1
        after = body["effects_next"]
        if after is None:
            break
    assert pages == 2
    assert [(e["user_id"], e["account_id"]) for e in seen] == [(u.id, a) for a in [t.root_account_id] + subs]
    assert all(e["gained"] == ["read_roster"] and e["lost"] == [] for e in seen)
    r = t.admin.put(path, form=form + [("dry_run", "1"), ("effects_after", "nonsense")])
    assert r.status == 400 and "effects_after" in r.json()["message"], r


def test_dry_run_is_refused_as_the_write_is(stack):
    t = stack.new_tenant()
    role = make_role(t, "Clerk")
    u = t.new_user("Nobody")
    with Unchanged(stack, t):
        r = u.client.put("/api/v1/accounts/self/roles/%d" % role,
                         form={"dry_run": "true", "permissions[read_roster][enabled]": "1"})
        assert r.status == 403, r
        r = t.admin.put("/api/v1/accounts/self/roles/nope", form={"dry_run": "true"})
        assert r.status == 404, r
        r = u.client.post("/api2/roles", json_body={"display_name": "X", "permissions": [], "dry_run": True})
        assert r.status == 403, r


def test_preview_of_a_write_that_has_none_is_refused(stack):
    # dry_run=true on a write without a preview was ignored: the client asked for a preview and the write
    # was made (a sub-account deleted, a token revoked). It is a 400 before anything runs.
    t = stack.new_tenant()
    s = sub_account(t, name="Keep me")
    u = t.new_user("U")
    tok = t.admin.post("/api/v1/users/%d/tokens" % u.id, form={"token[purpose]": "keep"}).json()["id"]
    want = {"message": "invalid parameter 'dry_run': this endpoint cannot preview a change"}
    with Unchanged(stack, t):
        for method, path, form in (
                ("DELETE", "/api/v1/accounts/self/sub_accounts/%d" % s, []),
                ("POST", "/api/v1/accounts/self/sub_accounts", [("account[name]", "New")]),
                ("PUT", "/api/v1/accounts/%d" % s, [("account[name]", "Renamed")]),
                ("POST", "/api/v1/accounts/self/users", [("pseudonym[unique_id]", "new-login")]),
                ("POST", "/api/v1/users/%d/tokens" % u.id, [("token[purpose]", "p")]),
                ("DELETE", "/api/v1/users/%d/tokens/%d" % (u.id, tok), [])):
            r = t.admin.request(method, path, form=form + [("dry_run", "true")])
            assert r.status == 400 and r.json() == want, (method, path, r)
    # dry_run=false is the write, as before
    r = t.admin.delete("/api/v1/accounts/self/sub_accounts/%d" % s, params={"dry_run": "false"})
    assert r.status == 200 and r.json()["workflow_state"] == "deleted", r
    # and reads are not writes: a stray dry_run there changes nothing
    assert t.admin.get("/api/v1/accounts/self", params={"dry_run": "true"}).status == 200


def test_admins_create_and_delete_preview(stack):
    t = stack.new_tenant()
    s = sub_account(t, name="Science")
    x = sub_account(t, s, name="Lab")
    u = t.new_user("Dean")
    aa = builtin_role(t)
    accounts = [t.root_account_id, s, x]
    form = [("user_id", str(u.id)), ("role_id", str(aa))]
    body = preview(t, "POST", "/api/v1/accounts/%d/admins" % s, form)
    assert body["user"]["id"] == u.id and body["role"] == "AccountAdmin", body
    assert [(e["account_id"], e["lost"]) for e in body["effects"]] == [(s, []), (x, [])], body["effects"]
    assert "manage_account_settings" in body["effects"][0]["gained"]
    before = snapshot([u], accounts)
    ok(t.admin.post("/api/v1/accounts/%d/admins" % s, form=form))
    assert observed(before, snapshot([u], accounts)) == body["effects"]
    # adding it again changes nothing
    assert preview(t, "POST", "/api/v1/accounts/%d/admins" % s, form)["effects"] == []

    path = "/api/v1/accounts/%d/admins/%d" % (s, u.id)
    body = preview(t, "DELETE", path, [("role_id", str(aa))])
    assert body["workflow_state"] == "deleted" and body["effects"], body
    assert all(e["gained"] == [] and e["lost"] for e in body["effects"])
    before = snapshot([u], accounts)
    ok(t.admin.delete(path, params={"role_id": aa}))
    assert observed(before, snapshot([u], accounts)) == body["effects"]


def api2_setup(t):
    site = ok(t.admin.get("/api2/collections", params={"per_page": 1}))["items"][0]["id"]
    coll = ok(t.admin.post("/api2/collections", json_body={"display_name": "Bio", "parent_id": site}))["id"]
    role = ok(t.admin.post("/api2/roles", json_body={
        "display_name": "Players", "permissions": ["collection-read", "media-read", "media-play"]}))["id"]
    u = t.new_user("Student")
    m = ok(t.admin.post("/api2/memberships", json_body={"collection_id": coll, "role_id": role,
                                                        "user_id": str(u.id)}))["id"]
    return coll, role, u, m


def api2_perms(t, coll, u):
    return set(ok(t.admin.get("/api2/collections/%s/permissions" % coll, params={"user_id": u.id}))["permissions"])


def api2_preview(t, method, path, body):
    with Unchanged(t.stack, t):
        return ok(t.admin.request(method, path + "?dry_run=true", json_body=body))


def test_api2_role_writes_preview(stack):
    t = stack.new_tenant()
    coll, role, u, m = api2_setup(t)
    path = "/api2/roles/" + role

    body = api2_preview(t, "POST", path + "/remove-permissions", {"permissions": ["media-read"]})
    assert body["permissions"] == ["collection-read"], body
    assert body["effects"] == [{"membership_id": m, "collection_id": coll, "user_id": str(u.id), "group_id": None,
                                "gained": [], "lost": ["media-play", "media-read"]}], body
    assert body["effects_next"] is None
    before = api2_perms(t, coll, u)
    ok(t.admin.post(path + "/remove-permissions", json_body={"permissions": ["media-read"]}))
    after = api2_perms(t, coll, u)
    assert sorted(before - after) == body["effects"][0]["lost"] and not after - before

    body = api2_preview(t, "POST", path + "/add-permissions", {"permissions": ["media-read", "media-like"]})
    assert body["effects"][0]["gained"] == ["media-like", "media-read"] and body["effects"][0]["lost"] == [], body

    body = api2_preview(t, "POST", path, {"permissions": ["collection-read", "media-read"]})
    assert body["effects"][0]["gained"] == ["media-read"], body
    before = api2_perms(t, coll, u)
    ok(t.admin.post(path, json_body={"permissions": ["collection-read", "media-read"]}))
    assert sorted(api2_perms(t, coll, u) - before) == body["effects"][0]["gained"]

    # create and delete: a new role has no memberships; a role in use cannot be deleted
    body = api2_preview(t, "POST", "/api2/roles", {"display_name": "New", "permissions": ["collection-read"]})
    assert body["display_name"] == "New" and body["effects"] == [], body
    with Unchanged(stack, t):
        r = t.admin.delete(path + "?dry_run=true")
        assert r.status == 422, r
    spare = ok(t.admin.post("/api2/roles", json_body={"display_name": "Spare", "permissions": []}))["id"]
    body = api2_preview(t, "DELETE", "/api2/roles/" + spare, None)
    assert body == {"deleted": True, "effects": [], "effects_next": None}, body
    assert t.admin.get("/api2/roles/" + spare).status == 200


def test_bad_cursor_is_a_400_even_when_nothing_could_change(stack):
    """The cursor is checked before the preview looks for anyone to affect (a fresh tenant: nobody holds the
    role, so there is nothing to page over)."""
    t = stack.new_tenant()
    r = t.admin.put("/api/v1/accounts/self/roles/AccountMembership",
                    form=[("permissions[read_roster][explicit]", "1"), ("dry_run", "true"), ("effects_after", "garbage")])
    assert r.status == 400 and "effects_after" in r.json()["message"], r
    r = t.admin.post("/api/v1/accounts/self/admins", form={"user_id": t.admin_user_id, "dry_run": "true",
                                                         "effects_after": "x.y"})
    assert r.status == 400 and "effects_after" in r.json()["message"], r
    r = t.admin.post("/api2/roles", json_body={"display_name": "P", "permissions": [], "dry_run": True,
                                               "effects_after": "nope"})
    assert r.status == 400 and "effects_after" in r.json()["message"], r


def test_dry_run_on_a_write_that_cannot_preview_writes_nothing(stack):
    """A client that asks for a preview must never get a real write instead: the writes without a preview
    answer 400 naming dry_run, and write nothing."""
    t = stack.new_tenant()
    role = make_role(t, "Clerk")
    site = t.admin.get("/api2/collections").json()["items"][0]["id"]
    with Unchanged(stack, t):
        for method, path, kw in [
                ("POST", "/api/v1/accounts/self/roles", {"form": {"label": "Preview", "dry_run": "true"}}),
                ("DELETE", "/api/v1/accounts/self/roles/%d?dry_run=1" % role, {}),
                ("POST", "/api/v1/accounts/self/sub_accounts", {"form": {"account[name]": "S", "dry_run": "true"}}),
                ("PUT", "/api/v1/accounts/self", {"form": {"account[name]": "Renamed", "dry_run": "true"}}),
                ("POST", "/api/v1/users/self/tokens", {"form": {"token[purpose]": "p", "dry_run": "true"}}),
                ("PUT", "/api/v1/accounts/self/features/flags/analytics_hub?dry_run=true", {"form": {"state": "on"}}),
                ("POST", "/api2/collections?dry_run=true", {"json_body": {"display_name": "C", "parent_id": site}}),
                ("PATCH", "/api2/collections/%s?dry_run=true" % site, {"json_body": {"display_name": "C"}})]:
            r = t.admin.request(method, path, **kw)
            assert r.status == 400 and "dry_run" in r.text, (method, path, r)
    # dry_run=false is no preview: the write happens
    r = t.admin.post("/api/v1/accounts/self/roles", form={"label": "Real", "dry_run": "false"})
    assert r.status == 200, r
