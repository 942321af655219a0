"""Cross-tenant sweep (issue 13): every route of the route table (read from fcgi/routes.c, so a new endpoint is
covered the day it is added) called by tenant A's admin with tenant B's ids in every id form, in the path and
in the body; and with B's token on A's host. B's rows never change, no answer of A's carries B's data, and a
foreign token is a 401."""
import os
import re
import urllib.parse

from test_hostile_http import tenant_dump

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ROUTE = re.compile(r'\{"(GET|POST|PUT|PATCH|DELETE)", "([^"]+)", RD_SURFACE_(CANVAS|API2)')
MARK = "Zq9Marker"  # in B's names: an answer of A's that contains it leaked B's data


def routes():
    with open(os.path.join(ROOT, "fcgi", "routes.c")) as f:
        found = ROUTE.findall(f.read())
    assert len(found) > 40, found
    return found


def ok(r):
    assert r.status // 100 == 2, r
    return r.json() if r.body else None


def tenant_b(stack):
    b = stack.new_tenant(name=MARK + " School")
    c = b.admin
    sub = ok(c.post("/api/v1/accounts/self/sub_accounts",
                    form={"account[name]": MARK + " Sub", "account[sis_account_id]": MARK + "sis"}))
    role = ok(c.post("/api/v1/accounts/self/roles", form={"label": MARK + " Role",
                                                           "base_role_type": "AccountMembership"}))
    user = ok(c.post("/api/v1/accounts/self/users", form={"user[name]": MARK + " User",
                                                           "pseudonym[unique_id]": MARK.lower() + "login"}))
    ok(c.post("/api/v1/accounts/%d/admins" % sub["id"], form={"user_id": user["id"], "role_id": role["id"]}))
    tok = ok(c.post("/api/v1/users/%d/tokens" % b.admin_user_id, form={"token[purpose]": MARK}))
    a2 = ok(c.post("/api2/roles", json_body={"display_name": MARK + " api2", "permissions": ["media-read"]}))
    site = ok(c.get("/api2/collections", params={"display_name": "My Site"}))["items"][0]
    coll = ok(c.post("/api2/collections", json_body={"display_name": MARK + " Coll", "parent_id": site["id"]}))
    grp = ok(c.post("/api2/groups", json_body={"display_name": MARK + " Group"}))
    mem = ok(c.post("/api2/memberships", json_body={"collection_id": coll["id"], "role_id": a2["id"],
                                                    "group_id": grp["id"]}))
    return b, {
        "account": [str(sub["id"]), "sis_account_id:" + MARK + "sis",
                    "hex:sis_account_id:" + (MARK + "sis").encode().hex(), str(b.root_account_id)],
        "role": [str(role["id"]), MARK + " Role"],
        "user": [str(user["id"]), "sis_login_id:" + MARK.lower() + "login", str(b.admin_user_id)],
        "token": [str(tok["id"]) if tok and "id" in tok else "1"],
        "api2_role": [a2["id"]], "collection": [coll["id"], site["id"]], "group": [grp["id"]],
        "membership": [mem["id"]], "permission": ["manage_role_overrides", "media-read"],
    }


def kind(pattern, name):
    """The kind of id a :name in pattern stands for."""
    before = pattern.split(":" + name)[0].rstrip("/").split("/")[-1]
    if name in ("permission", "feature"):
        return name  # names, the same in every tenant: the account in the path is what must not leak
    if name in ("account_id",) or before == "accounts":
        return "account"
    if name == "user_id" or before == "users":
        return "user" if pattern.startswith("/api/v1") else "group_user"
    return {"roles": "role" if pattern.startswith("/api/v1") else "api2_role", "tokens": "token",
            "sub_accounts": "account", "collections": "collection", "groups": "group",
            "memberships": "membership"}[before]


def fill(pattern, ids, own):
    """Every URL of pattern with B's ids in each form; other placeholders take A's own (valid) values."""
    names = re.findall(r":(\w+)", pattern)
    urls = []
    for i, n in enumerate(names):
        k = kind(pattern, n)
        for v in ids.get("user" if k == "group_user" else k, []):
            url = pattern
            for j, m in enumerate(names):
                kk = kind(pattern, m)
                url = url.replace(":" + m, urllib.parse.quote(v if j == i else own.get(kk, "1"), safe=":"), 1)
            urls.append(url)
    return urls or [pattern]


def body_of(ids):
    """B's ids in every body parameter a write takes."""
    return {"user_id": ids["user"][0], "role_id": ids["role"][0], "account_id": ids["account"][0],
            "parent_id": ids["collection"][0], "collection_id": ids["collection"][0],
            "group_id": ids["group"][0], "display_name": "x", "label": "x", "role": ids["role"][1]}


def test_every_route_with_another_tenants_ids(stack):
    b, ids = tenant_b(stack)
    a = stack.new_tenant()
    own = {"account": "self", "role": "1", "user": str(a.admin_user_id), "group_user": str(a.admin_user_id),
           "api2_role": "1", "permission": "manage_role_overrides", "feature": "admin_manage_access_tokens", "token": "1", "collection": "1", "group": "1",
           "membership": "1"}
    before = tenant_dump(stack, b)
    calls = 0
    for method, pattern, surface in routes():
        for url in fill(pattern, ids, own):
            body = body_of(ids) if method in ("POST", "PUT", "PATCH") else None
            if surface == "API2":
                r = a.admin.request(method, url, json_body=body)
            else:
                r = a.admin.request(method, url, form=body)
            calls += 1
            assert r.status < 500, (method, url, r)
            assert MARK not in r.text, ("B's data in A's answer", method, url, r)
            assert MARK.lower() not in r.text, ("B's data in A's answer", method, url, r)
    assert calls > 80, calls
    assert tenant_dump(stack, b) == before, "tenant B changed"


def test_another_tenants_token_is_refused_everywhere(stack):
    b, ids = tenant_b(stack)
    a = stack.new_tenant()
    foreign = stack.client(a.host, b.token)
    before_a, before_b = tenant_dump(stack, a), tenant_dump(stack, b)
    for method, pattern, surface in routes():
        url = re.sub(r":\w+", "1", pattern)
        r = foreign.request(method, url, json_body={} if method != "GET" else None)
        assert r.status == 401, (method, url, r)
        assert MARK not in r.text, (method, url, r)
    assert tenant_dump(stack, a) == before_a and tenant_dump(stack, b) == before_b
