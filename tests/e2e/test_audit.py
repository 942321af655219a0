"""The audit trail (issue 16): every change to roles, overrides, admin memberships, tokens, accounts,
conditions, api2 roles and api2 collections, groups and memberships is recorded with who, which token, which request, before and after;
GET /api/v1/accounts/:account_id/audit shows the account and its sub-accounts to holders of
manage_role_overrides there or above, newest first, with filters and keyset pages."""
from accounts_helpers import assert_forbidden, make_role, override, sub_account


def audit(t, account="self", client=None, **params):
    r = (client or t.admin).get("/api/v1/accounts/%s/audit" % account, params=params)
    assert r.status == 200, r
    return r.json()


def test_every_kind_of_change_is_recorded(stack):
    t = stack.new_tenant()
    admin = t.admin
    s = admin.post("/api/v1/accounts/self/sub_accounts", form={"account[name]": "Sci"}).json()["id"]
    admin.put("/api/v1/accounts/%d" % s, form={"account[name]": "Science"})
    role = admin.post("/api/v1/accounts/self/roles", form={"label": "Clerk"}).json()["id"]
    admin.put("/api/v1/accounts/self/roles/%d" % role,
              form={"permissions[read_roster][explicit]": "1", "permissions[read_roster][enabled]": "1"})
    u = t.new_user("Clerk")
    admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id, "role_id": role})
    tok = admin.post("/api/v1/users/%d/tokens" % u.id, form={"token[purpose]": "sync"}).json()
    admin.delete("/api/v1/users/%d/tokens/%d" % (u.id, tok["id"]))
    admin.delete("/api/v1/accounts/self/admins/%d" % u.id, params={"role_id": role})
    admin.delete("/api/v1/accounts/self/roles/%d" % role)
    admin.put("/api/v1/accounts/self/features/flags/analytics_hub", form={"state": "on"})
    admin.put("/api/v1/accounts/self", form={"account[settings][catalog_enabled]": "true"})
    events = audit(t, per_page=100)
    kinds = {(e["entity"], e["action"]) for e in events}
    for k in [("account", "create"), ("account", "update"), ("role", "create"), ("role_override", "create"),
              ("admin", "create"), ("admin", "update"), ("token", "create"), ("token", "update"), ("role", "update"),
              ("feature_flag", "update"), ("account_setting", "update")]:
        assert k in kinds, (k, sorted(kinds))
    api = [e for e in events if e["request_id"]]  # the others: the CLI (token create) and the test's SQL
    assert len(api) >= 11, api
    for e in api:
        assert e["user_id"] == t.admin_user_id and e["token_id"], e
    for e in events:
        if e["entity"] == "token":
            assert "token_hash" not in (e["after"] or {}) and tok["token"] not in str(e), e
    ids = [e["id"] for e in events]
    assert ids == sorted(ids, reverse=True), "newest first"
    # canvas-conventions.md: timestamps ISO 8601 UTC without fractions, in the row images too
    import re
    stamps = re.findall(r'"(\d{4}-\d\d-\d\dT[^"]*)"', str(events).replace("'", '"'))
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", x) for x in stamps), stamps
    acct = [e for e in events if e["entity"] == "account" and e["action"] == "update"][0]
    assert acct["before"]["name"] == "Sci" and acct["after"]["name"] == "Science", acct


def test_settings_are_recorded_with_the_values_given(stack):
    """before/after hold the setting as the API shows it: mfa_settings is disabled | optional | required, and
    optional -> required (the same condition, on) is a change too."""
    t = stack.new_tenant()
    for v in ("optional", "required"):
        r = t.admin.put("/api/v1/accounts/self", form={"account[settings][mfa_settings]": v})
        assert r.status == 200 and r.json()["settings"]["mfa_settings"] == v, r
    rows = [(e["before"], e["after"]) for e in audit(t, entity="account_setting", per_page=100)]
    assert rows == [({"mfa_settings": "optional"}, {"mfa_settings": "required"}),
                    ({"mfa_settings": "disabled"}, {"mfa_settings": "optional"})], rows
    t.admin.put("/api/v1/accounts/self", form={"account[settings][mfa_settings]": "required"})
    assert len(audit(t, entity="account_setting", per_page=100)) == 2, "an unchanged value is not a change"


def test_api2_role_changes_are_recorded(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api2/roles", json_body={"display_name": "Players", "permissions": ["collection-read"]})
    assert r.status == 200, r
    rid = r.json()["id"]
    t.admin.post("/api2/roles/%s" % rid, json_body={"display_name": "Viewers 2"})
    t.admin.delete("/api2/roles/%s" % rid)
    kinds = [(e["entity"], e["action"]) for e in audit(t, per_page=100)]
    assert ("api2_role", "create") in kinds and ("api2_role", "update") in kinds and ("api2_role", "delete") in kinds
    assert ("api2_role_permission", "create") in kinds


def test_api2_collections_groups_and_memberships_are_recorded(stack):
    """The collections tree, groups, their users and the memberships through which api2 roles are held are
    changes to who may do what, recorded like the roles themselves (on the root account)."""
    t = stack.new_tenant()
    admin = t.admin
    site = [c for c in admin.get("/api2/collections", params={"display_name": "My Site"}).json()["items"]][0]
    coll = admin.post("/api2/collections", json_body={"display_name": "Biology", "parent_id": site["id"]}).json()
    admin.post("/api2/collections/%s" % coll["id"], json_body={"display_name": "Biology 101"})
    group = admin.post("/api2/groups", json_body={"display_name": "Lab"}).json()
    u = t.new_user("Member")
    assert admin.post("/api2/groups/%s/users" % group["id"], json_body={"user_id": str(u.id)}).status == 200
    role = admin.get("/api2/roles", params={"display_name": "Viewer"}).json()["items"][0]["id"]
    m = admin.post("/api2/memberships", json_body={"collection_id": coll["id"], "role_id": role,
                                                   "group_id": group["id"]})
    assert m.status == 200, m
    admin.delete("/api2/groups/%s/users/%s" % (group["id"], u.id))
    admin.delete("/api2/collections/%s" % coll["id"])
    events = audit(t, per_page=100)
    kinds = {(e["entity"], e["action"]) for e in events}
    for k in [("api2_collection", "create"), ("api2_collection", "update"), ("api2_collection", "delete"),
              ("api2_group", "create"), ("api2_group_user", "create"), ("api2_group_user", "delete"),
              ("api2_membership", "create"), ("api2_membership", "delete")]:
        assert k in kinds, (k, sorted(kinds))
    upd = [e for e in events if e["entity"] == "api2_collection" and e["action"] == "update"]
    assert len(upd) == 1 and upd[0]["before"]["display_name"] == "Biology", upd
    gu = [e for e in events if e["entity"] == "api2_group_user"][0]
    assert gu["entity_id"] == "%s:%s" % (group["id"], u.id) and gu["account_id"] == t.root_account_id, gu
    only = audit(t, entity="api2_membership", per_page=100)
    assert [e["action"] for e in only] == ["delete", "create"], only  # the delete: the collection's cascade


def test_filters_and_pages(stack):
    t = stack.new_tenant()
    for n in range(3):
        t.admin.post("/api/v1/accounts/self/roles", form={"label": "R%d" % n})
    u = t.new_user("Other admin")
    t.admin.post("/api/v1/accounts/self/admins", form={"user_id": u.id})
    u.client.post("/api/v1/accounts/self/roles", form={"label": "ByOther"})
    assert {e["entity"] for e in audit(t, entity="role", per_page=100)} == {"role"}
    r = t.admin.get("/api/v1/accounts/self/audit", params={"entity": "roles"})
    assert r.status == 400 and r.json()["message"].startswith("entity must be one of account, "), r
    mine = audit(t, user_id=u.id, per_page=100)
    assert mine and all(e["user_id"] == u.id for e in mine), mine
    # user_id takes the API's other forms of a user id too: self, sis_user_id:<v>
    assert audit(t, client=u.client, user_id="self", per_page=100) == mine
    t.sql("UPDATE users SET sis_user_id = 'other-admin' WHERE id = %d" % u.id)
    assert audit(t, user_id="sis_user_id:other-admin", per_page=100) == mine
    assert audit(t, user_id="sis_user_id:nobody", per_page=100) == []
    # and hex:sis_user_id:<hex>, as the user paths and explain's user_id take it
    assert audit(t, user_id="hex:sis_user_id:" + b"other-admin".hex(), per_page=100) == mine
    assert audit(t, user_id="hex:sis_user_id:" + b"nobody".hex(), per_page=100) == []
    assert audit(t, user_id="hex:sis_user_id:ff", per_page=100) == []
    assert t.admin.get("/api/v1/accounts/self/audit", params={"user_id": "abc"}).status == 400
    r = t.admin.get("/api/v1/accounts/self/audit", params={"entity": "role", "per_page": 2})
    first = r.json()
    assert len(first) == 2 and 'rel="next"' in r.header("link"), r.header("link")
    nxt = [l for l in r.header("link").split(",") if 'rel="next"' in l][0]
    url = nxt[nxt.index("<") + 1:nxt.index(">")]
    second = t.admin.get(url[url.index("/api/"):]).json()
    assert second and second[0]["id"] < first[-1]["id"] and {e["entity"] for e in second} == {"role"}
    # a page number: the same page
    r = t.admin.get("/api/v1/accounts/self/audit", params={"entity": "role", "per_page": 2, "page": 2})
    assert r.status == 200 and r.json() == second, r
    # user_id, stripped as every other id parameter
    assert audit(t, user_id=" %d " % u.id, per_page=100) == mine
    assert audit(t, client=u.client, user_id=" self ", per_page=100) == mine
    assert audit(t, since="2999-01-01T00:00:00Z") == []
    assert len(audit(t, until="2999-01-01T00:00:00Z", per_page=100)) > 0
    assert t.admin.get("/api/v1/accounts/self/audit", params={"since": "yesterday-ish"}).status == 400


def test_sub_account_sees_its_subtree_only_and_needs_manage_role_overrides(stack):
    t = stack.new_tenant()
    s = sub_account(t, name="S")
    t.admin.post("/api/v1/accounts/%d/roles" % s, form={"label": "InS"})
    t.admin.post("/api/v1/accounts/self/roles", form={"label": "AtRoot"})
    below = audit(t, s, per_page=100)
    assert below and all(e["account_id"] == s for e in below), below
    assert any(e["account_id"] == s for e in audit(t, per_page=100)), "the root sees its sub-accounts"
    u = t.new_user("Nobody")
    assert_forbidden(u.client.get("/api/v1/accounts/self/audit"), "manage_role_overrides", t.root_account_id)
    role = make_role(t, "Sub admin", s)
    override(t, s, role, "manage_role_overrides")
    t.admin.post("/api/v1/accounts/%d/admins" % s, form={"user_id": u.id, "role_id": role})
    assert u.client.get("/api/v1/accounts/%d/audit" % s).status == 200
    assert_forbidden(u.client.get("/api/v1/accounts/self/audit"), "manage_role_overrides", t.root_account_id)
