"""Escalation sweep (issue 13, "Keep the proof in the tree"): users with narrow rights try every write of the
route table (read from fcgi/routes.c, so a new write fails here until its row is added to EXPECTED) with
plausible bodies. The table says exactly which succeed; every refused write leaves the tenant's rows as they
were (tenant_dump before and after). A success rebuilds the scenario, so each call starts from the same state.

The users:
  memberships   manage_account_memberships on the root account, nothing else
  overrides_sub manage_role_overrides on the sub-account Sub only (held there)
  roster        read_roster on the root account only
  api2_user     not an Administrator; Viewer on the collection Coll
  plain         no role anywhere

Handing out a role whose overrides grant more *below* the held account (issue 13, 1) is
test_escalation.py's; here the same user is refused AccountAdmin and may hand out the role it holds."""
import os
import re
import uuid

from accounts_helpers import builtin_role, enable_token_admin, make_role, member, override, sub_account
from test_cross_tenant_sweep import routes
import harness
from test_hostile_http import tenant_dump

_TABLES = []


def dump(stack, t):
    """test_hostile_http.tenant_dump in one psql call (the table list is read once): ~250 calls here."""
    if not _TABLES:
        _TABLES.extend(r[0] for r in stack.sql(
            "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables b"
            " USING (table_schema, table_name) WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'"
            " AND b.table_type = 'BASE TABLE' ORDER BY 1"))
    parts = ["SELECT 'tenants', (SELECT x::text FROM tenants x WHERE id = %d)" % t.id]
    for name in _TABLES:
        parts.append("SELECT %s, (SELECT string_agg(x::text, E'\\n' ORDER BY x::text) FROM %s x"
                     " WHERE tenant_id = %d)" % (harness.q(name), name, t.id))
    return stack.sql(" UNION ALL ".join(parts))

USERS = ["memberships", "overrides_sub", "roster", "api2_user", "plain"]


def ok(r):
    assert r.status // 100 == 2, r
    return r.json() if r.body else None


def scenario(stack):
    t = stack.new_tenant()
    enable_token_admin(t)
    f = {"t": t, "self": "self", "root": t.root_account_id}
    f["sub"] = sub_account(t, name="Sub")
    f["leaf"] = sub_account(t, parent_id=f["sub"], name="Leaf")
    f["other"] = sub_account(t, name="Other")
    roles = {}
    for key, perm, where in (("memberships", "manage_account_memberships", f["root"]),
                             ("overrides_sub", "manage_role_overrides", f["sub"]),
                             ("roster", "read_roster", f["root"])):
        roles[key] = make_role(t, "Only " + perm)
        override(t, where, roles[key], perm)
    f["roles"] = roles
    f["custom"] = make_role(t, "Custom")
    f["inactive"] = make_role(t, "Dormant", state="inactive")
    f["account_admin"] = builtin_role(t, "AccountAdmin")
    users = {}
    for key in USERS:
        users[key] = t.new_user(key, is_admin=False)
    member(t, f["root"], users["memberships"].id, roles["memberships"])
    member(t, f["sub"], users["overrides_sub"].id, roles["overrides_sub"])
    member(t, f["root"], users["roster"].id, roles["roster"])
    f["users"] = users
    f["victim"] = t.new_user("Victim")            # an admin on Sub (read_roster there), with a token
    member(t, f["sub"], f["victim"].id, roles["roster"])
    f["victim_token"] = int(t.sql("SELECT max(id) FROM access_tokens WHERE tenant_id = %d AND user_id = %d"
                                  % (t.id, f["victim"].id))[-1][0])
    f["target"] = t.new_user("Target")            # no role: the one a write would make an admin
    a = t.admin
    site = ok(a.get("/api2/collections", params={"per_page": 1}))["items"][0]["id"]
    f["coll"] = ok(a.post("/api2/collections", json_body={"display_name": "Coll", "parent_id": site}))["id"]
    f["child"] = ok(a.post("/api2/collections", json_body={"display_name": "Child", "parent_id": f["coll"]}))["id"]
    viewer = ok(a.get("/api2/roles", params={"display_name": "Viewer"}))["items"][0]["id"]
    f["manager"] = ok(a.get("/api2/roles", params={"display_name": "Manager"}))["items"][0]["id"]
    f["viewer"] = viewer
    ok(a.post("/api2/memberships", json_body={"collection_id": f["coll"], "role_id": viewer,
                                              "user_id": str(users["api2_user"].id)}))
    f["membership"] = ok(a.post("/api2/memberships", json_body={"collection_id": f["coll"], "role_id": viewer,
                                                                "user_id": str(f["victim"].id)}))["id"]
    f["api2_role"] = ok(a.post("/api2/roles", json_body={"display_name": "Spare", "permissions": ["media-read"]}))["id"]
    f["group"] = ok(a.post("/api2/groups", json_body={"display_name": "Staff"}))["id"]
    ok(a.post("/api2/groups/%s/users" % f["group"], json_body={"user_id": str(f["victim"].id)}))
    return f


def calls(method, pattern, f, me):
    """(variant, url, body) for one write route: plausible targets in the tenant and plausible bodies.
    Canvas account routes run on the root and on Sub (where overrides_sub holds its right)."""
    v, u = f["victim"].id, "e" + uuid.uuid4().hex[:8]
    canvas = {
        ("PUT", "/api/v1/accounts/:id"): [
            (w, "/api/v1/accounts/%s" % a, {"account[name]": "Renamed"}) for w, a in (("root", "self"), ("sub", f["sub"]))],
        ("POST", "/api/v1/accounts/:account_id/sub_accounts"): [
            (w, "/api/v1/accounts/%s/sub_accounts" % a, {"account[name]": "New"}) for w, a in (("root", "self"), ("sub", f["sub"]))],
        ("DELETE", "/api/v1/accounts/:account_id/sub_accounts/:id"): [
            ("root", "/api/v1/accounts/self/sub_accounts/%d" % f["other"], None),
            ("sub", "/api/v1/accounts/%d/sub_accounts/%d" % (f["sub"], f["leaf"]), None)],
        ("POST", "/api/v1/accounts/:account_id/users"): [
            (w, "/api/v1/accounts/%s/users" % a, {"user[name]": "New", "pseudonym[unique_id]": u})
            for w, a in (("root", "self"), ("sub", f["sub"]))],
        ("POST", "/api/v1/users/:user_id/tokens"): [
            ("own", "/api/v1/users/%d/tokens" % me.id, {"token[purpose]": "mine"}),
            ("victim's", "/api/v1/users/%d/tokens" % v, {"token[purpose]": "theirs"})],
        ("DELETE", "/api/v1/users/:user_id/tokens/:id"): [
            ("victim's", "/api/v1/users/%d/tokens/%d" % (v, f["victim_token"]), None)],
        ("POST", "/api/v1/accounts/:account_id/admins"): [
            ("AccountAdmin", "/api/v1/accounts/self/admins", {"user_id": f["target"].id, "role_id": f["account_admin"]}),
            ("own role", "/api/v1/accounts/self/admins", {"user_id": f["target"].id,
                                                          "role_id": f["roles"]["memberships"]})],
        ("DELETE", "/api/v1/accounts/:account_id/admins/:user_id"): [
            ("sub", "/api/v1/accounts/%d/admins/%d" % (f["sub"], v), {"role_id": f["roles"]["roster"]})],
        ("PUT", "/api/v1/accounts/:account_id/features/flags/:feature"): [
            ("root", "/api/v1/accounts/self/features/flags/temporary_enrollments", {"state": "on"})],
        ("DELETE", "/api/v1/accounts/:account_id/features/flags/:feature"): [
            ("root", "/api/v1/accounts/self/features/flags/admin_manage_access_tokens", None)],
        ("POST", "/api/v1/accounts/:account_id/roles"): [
            (w, "/api/v1/accounts/%s/roles" % a, {"label": "New " + w}) for w, a in (("root", "self"), ("sub", f["sub"]))],
        ("PUT", "/api/v1/accounts/:account_id/roles/:id"): [
            (w, "/api/v1/accounts/%s/roles/%d" % (a, f["custom"]),
             {"permissions[manage_account_settings][explicit]": 1, "permissions[manage_account_settings][enabled]": 1})
            for w, a in (("root", "self"), ("sub", f["sub"]))] + [
            ("own role at sub", "/api/v1/accounts/%d/roles/%d" % (f["sub"], f["roles"]["overrides_sub"]),
             {"permissions[manage_account_settings][explicit]": 1, "permissions[manage_account_settings][enabled]": 1})],
        ("DELETE", "/api/v1/accounts/:account_id/roles/:id"): [
            (w, "/api/v1/accounts/%s/roles/%d" % (a, f["custom"]), None) for w, a in (("root", "self"), ("sub", f["sub"]))],
        ("POST", "/api/v1/accounts/:account_id/roles/:id/activate"): [
            (w, "/api/v1/accounts/%s/roles/%d/activate" % (a, f["inactive"]), None)
            for w, a in (("root", "self"), ("sub", f["sub"]))],
    }
    c, r, g = f["coll"], f["api2_role"], f["group"]
    coll_body = {"display_name": "Renamed"}
    api2 = {
        ("POST", "/api2/roles"): [("", "/api2/roles", {"display_name": "Mine", "permissions": ["media-read"]})],
        ("POST", "/api2/roles/:id"): [("", "/api2/roles/%s" % r, {"display_name": "Renamed"})],
        ("DELETE", "/api2/roles/:id"): [("", "/api2/roles/%s" % r, None)],
        ("POST", "/api2/roles/:id/add-permissions"): [("", "/api2/roles/%s/add-permissions" % r,
                                                        {"permissions": ["media-play"]})],
        ("POST", "/api2/roles/:id/remove-permissions"): [("", "/api2/roles/%s/remove-permissions" % r,
                                                           {"permissions": ["media-read"]})],
        ("POST", "/api2/collections"): [("", "/api2/collections", {"display_name": "Mine", "parent_id": c})],
        ("PUT", "/api2/collections/:id"): [("", "/api2/collections/%s" % c, coll_body)],
        ("PATCH", "/api2/collections/:id"): [("", "/api2/collections/%s" % c, coll_body)],
        ("POST", "/api2/collections/:id"): [("", "/api2/collections/%s" % c, coll_body)],
        ("DELETE", "/api2/collections/:id"): [("", "/api2/collections/%s" % f["child"], None)],
        ("POST", "/api2/groups"): [("", "/api2/groups", {"display_name": "Mine"})],
        ("PATCH", "/api2/groups/:id"): [("", "/api2/groups/%s" % g, {"display_name": "Renamed"})],
        ("POST", "/api2/groups/:id"): [("", "/api2/groups/%s" % g, {"display_name": "Renamed"})],
        ("DELETE", "/api2/groups/:id"): [("", "/api2/groups/%s" % g, None)],
        ("POST", "/api2/groups/:id/users"): [("", "/api2/groups/%s/users" % g, {"user_id": str(me.id)})],
        ("DELETE", "/api2/groups/:id/users/:user_id"): [("", "/api2/groups/%s/users/%d" % (g, v), None)],
        ("POST", "/api2/memberships"): [
            ("Viewer", "/api2/memberships", {"collection_id": c, "role_id": f["viewer"], "user_id": str(f["target"].id)}),
            ("Manager to self", "/api2/memberships", {"collection_id": c, "role_id": f["manager"], "user_id": str(me.id)})],
        ("PUT", "/api2/memberships/:id"): [("", "/api2/memberships/%s" % f["membership"], {"role_id": f["manager"]})],
        ("PATCH", "/api2/memberships/:id"): [("", "/api2/memberships/%s" % f["membership"], {"role_id": f["manager"]})],
        ("POST", "/api2/memberships/:id"): [("", "/api2/memberships/%s" % f["membership"], {"role_id": f["manager"]})],
        ("DELETE", "/api2/memberships/:id"): [("", "/api2/memberships/%s" % f["membership"], None)],
    }
    table = {**canvas, **api2}
    assert (method, pattern) in table, "a new write route: add it to calls() and EXPECTED: %s %s" % (method, pattern)
    return table[(method, pattern)]


def writes():
    return [(m, p, s) for m, p, s in routes() if m in ("POST", "PUT", "PATCH", "DELETE")]


# "<method> <route> <variant>" -> what each user gets, in USERS order (memberships, overrides_sub, roster,
# api2_user, plain); "204, nothing": a 2xx that changed no row.
# Note: manage_role_overrides on an account lets its holder enable any permission there for any role,
# their own included (as in Canvas): overrides_sub gives its own role manage_account_settings on Sub. The
# superset rule covers handing out memberships (admins, tokens, api2 memberships), not override writes.
EXPECTED = {
    'PUT /api/v1/accounts/:id root': [403, 403, 403, 403, 403],
    'PUT /api/v1/accounts/:id sub': [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/sub_accounts root': [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/sub_accounts sub': [403, 403, 403, 403, 403],
    'DELETE /api/v1/accounts/:account_id/sub_accounts/:id root': [403, 403, 403, 403, 403],
    'DELETE /api/v1/accounts/:account_id/sub_accounts/:id sub': [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/users root': [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/users sub': [403, 403, 403, 403, 403],
    'POST /api/v1/users/:user_id/tokens own': [200, 200, 200, 200, 200],  # anyone may make a token for themselves
    "POST /api/v1/users/:user_id/tokens victim's": [403, 403, 403, 403, 403],
    "DELETE /api/v1/users/:user_id/tokens/:id victim's": [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/admins AccountAdmin': [403, 403, 403, 403, 403],  # more than held: superset rule
    'POST /api/v1/accounts/:account_id/admins own role': [200, 403, 403, 403, 403],  # exactly what is held
    'DELETE /api/v1/accounts/:account_id/admins/:user_id sub': [403, 403, 403, 403, 403],
    'PUT /api/v1/accounts/:account_id/features/flags/:feature root': [403, 403, 403, 403, 403],
    'DELETE /api/v1/accounts/:account_id/features/flags/:feature root': [403, 403, 403, 403, 403],
    'POST /api2/roles ': [403, 403, 403, 403, 403],
    'POST /api2/roles/:id ': [403, 403, 403, 403, 403],
    'DELETE /api2/roles/:id ': [403, 403, 403, 403, 403],
    'POST /api2/roles/:id/add-permissions ': [403, 403, 403, 403, 403],
    'POST /api2/roles/:id/remove-permissions ': [403, 403, 403, 403, 403],
    'POST /api2/collections ': [422, 422, 422, 403, 422],  # Coll invisible to them: parent_id not found
    'PUT /api2/collections/:id ': [404, 404, 404, 403, 404],
    'PATCH /api2/collections/:id ': [404, 404, 404, 403, 404],
    'POST /api2/collections/:id ': [404, 404, 404, 403, 404],
    'DELETE /api2/collections/:id ': ['204, nothing', '204, nothing', '204, nothing', 403, '204, nothing'],  # invisible is nonexistent
    'POST /api2/groups ': [403, 403, 403, 403, 403],
    'PATCH /api2/groups/:id ': [403, 403, 403, 403, 403],
    'POST /api2/groups/:id ': [403, 403, 403, 403, 403],
    'DELETE /api2/groups/:id ': [403, 403, 403, 403, 403],
    'POST /api2/groups/:id/users ': [403, 403, 403, 403, 403],
    'DELETE /api2/groups/:id/users/:user_id ': [403, 403, 403, 403, 403],
    'POST /api2/memberships Viewer': [422, 422, 422, 403, 422],  # Coll invisible: collection not found
    'POST /api2/memberships Manager to self': [422, 422, 422, 403, 422],
    'PUT /api2/memberships/:id ': [404, 404, 404, 403, 404],
    'PATCH /api2/memberships/:id ': [404, 404, 404, 403, 404],
    'POST /api2/memberships/:id ': [404, 404, 404, 403, 404],
    'DELETE /api2/memberships/:id ': ['204, nothing', '204, nothing', '204, nothing', 403, '204, nothing'],  # invisible is nonexistent
    'POST /api/v1/accounts/:account_id/roles root': [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/roles sub': [403, 200, 403, 403, 403],
    'PUT /api/v1/accounts/:account_id/roles/:id root': [403, 403, 403, 403, 403],
    'PUT /api/v1/accounts/:account_id/roles/:id sub': [403, 200, 403, 403, 403],
    'PUT /api/v1/accounts/:account_id/roles/:id own role at sub': [403, 200, 403, 403, 403],  # manage_role_overrides: see the note above
    'DELETE /api/v1/accounts/:account_id/roles/:id root': [403, 403, 403, 403, 403],
    'DELETE /api/v1/accounts/:account_id/roles/:id sub': [403, 404, 403, 403, 403],  # a root role is not Sub's to deactivate
    'POST /api/v1/accounts/:account_id/roles/:id/activate root': [403, 403, 403, 403, 403],
    'POST /api/v1/accounts/:account_id/roles/:id/activate sub': [403, 200, 403, 403, 403],
}


def test_narrow_users_try_every_write(stack):
    f = scenario(stack)
    before = dump(stack, f["t"])
    seen = {}
    for method, pattern, surface in writes():
        for key in USERS:
            for i in range(len(calls(method, pattern, f, f["users"][key]))):
                me = f["users"][key]
                variant, url, body = calls(method, pattern, f, me)[i]
                if surface == "API2":
                    r = me.client.request(method, url, json_body=body)
                else:
                    r = me.client.request(method, url, form=body)
                after = dump(stack, f["t"])
                outcome = r.status
                if r.status // 100 == 2 and after == before:
                    outcome = "%d, nothing" % r.status  # e.g. api2 DELETE of what the caller cannot see
                seen.setdefault("%s %s %s" % (method, pattern, variant), []).append(outcome)
                if r.status // 100 != 2:
                    assert after == before, ("refused write changed rows", key, method, url, r)
                elif after != before:
                    f = scenario(stack)  # the next call starts from the same state
                    before = dump(stack, f["t"])
    if os.environ.get("ESCALATION_SWEEP_PRINT"):
        for k, v in seen.items():
            print("    %r: %r," % (k, v))
    # the cached dump is the shared one
    assert dump(stack, f["t"]) == tenant_dump(stack, f["t"])
    missing = sorted(set(EXPECTED) - set(seen))
    assert not missing, ("rows of EXPECTED no route produced", missing)
    wrong = {k: (v, EXPECTED.get(k)) for k, v in seen.items() if EXPECTED.get(k) != v}
    assert not wrong, ("outcome (seen, expected) per user %s" % USERS, wrong)
