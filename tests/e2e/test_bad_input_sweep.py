"""Bad input on every route (issue 13, "Hostile HTTP"; the project standard: "Bad input gets a clear 4xx and
changes nothing"). Walks the route table of fcgi/routes.c, so a new route is covered the day it is added: each
route, with real ids of the tenant in its path, gets every class of malformed parameters in its query string
(NUL, invalid UTF-8, bad escapes, too many, too long, too deep, scalar and hash at once) and, when it takes a
body, every class of malformed body (broken or non-object JSON, NUL and invalid UTF-8 in JSON and forms,
nesting, an unsupported Content-Type, a chunked body with a NUL). Each answer must be a 4xx with a JSON body,
and the tenant's rows must be as they were afterwards."""
import json
import urllib.parse

from test_cross_tenant_sweep import routes
from test_escalation_sweep import dump
from test_hostile_http import raw


def request(stack, method, path, host, token, body=None, ctype=None, chunked=False):
    """The request as raw bytes (nothing on the client side repairs them), sent by test_hostile_http's raw;
    returns (status, body bytes)."""
    head = [b"%s %s HTTP/1.1" % (method.encode(), path.encode("latin-1")), b"Host: " + host.encode(),
            b"Connection: close", b"Authorization: Bearer " + token.encode()]
    if ctype:
        head.append(b"Content-Type: " + ctype.encode())
    if body is not None:
        if chunked:
            head.append(b"Transfer-Encoding: chunked")
            body = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 5]), body[i:i + 5]) for i in range(0, len(body), 5))
            body += b"0\r\n\r\n"
        else:
            head.append(b"Content-Length: %d" % len(body))
    status, _, data = raw(stack, b"\r\n".join(head) + b"\r\n\r\n" + (body or b""), timeout=20)
    return status, data


def ok(r):
    assert r.status // 100 == 2, r
    return r.json()


def seed(t):
    a, acct = t.admin, t.root_account_id
    ids = {"account_id": acct}
    ids["sub"] = ok(a.post("/api/v1/accounts/%d/sub_accounts" % acct, form={"account[name]": "Sub"}))["id"]
    ids["role"] = ok(a.post("/api/v1/accounts/%d/roles" % acct, form={"label": "Custom"}))["id"]
    ids["user"] = ok(a.post("/api/v1/accounts/%d/users" % acct,
                            form={"user[name]": "Sam", "pseudonym[unique_id]": "sam1"}))["id"]
    ids["token"] = ok(a.post("/api/v1/users/%d/tokens" % ids["user"], form={"token[purpose]": "p"}))["id"]
    ok(a.post("/api/v1/accounts/%d/admins" % acct, form={"user_id": ids["user"], "role_id": ids["role"]}))
    ids["r2"] = ok(a.post("/api2/roles", json_body={"display_name": "R2", "permissions": ["media-read"]}))["id"]
    site = ok(a.get("/api2/collections?per_page=1"))["items"][0]["id"]
    ids["coll"] = ok(a.post("/api2/collections", json_body={"display_name": "C", "parent_id": site}))["id"]
    ids["group"] = ok(a.post("/api2/groups", json_body={"display_name": "G"}))["id"]
    ok(a.post("/api2/groups/%s/users" % ids["group"], json_body={"user_id": str(ids["user"])}))
    ids["memb"] = ok(a.post("/api2/memberships", json_body={"collection_id": ids["coll"], "role_id": ids["r2"],
                                                            "user_id": str(ids["user"])}))["id"]
    return ids


def concrete(pattern, ids):
    segs = pattern.split("/")
    for i, s in enumerate(segs):
        if not s.startswith(":"):
            continue
        prev = segs[i - 1]
        if s == ":account_id":
            v = ids["account_id"]
        elif s == ":user_id":
            v = ids["user"]
        elif s == ":permission":
            v = "manage_account_settings" if pattern.startswith("/api/") else "media-read"
        elif s == ":feature":
            v = "admin_analytics_view_permission"
        else:
            v = {"accounts": ids["account_id"], "sub_accounts": ids["sub"], "users": ids["user"],
                 "tokens": ids["token"], "roles": ids["role"] if pattern.startswith("/api/") else ids["r2"],
                 "collections": ids["coll"], "groups": ids["group"], "memberships": ids["memb"]}[prev]
        segs[i] = str(v)
    return "/".join(segs)


# a parameter each route reads (a NUL or bad byte must be refused whether or not the handler reads it)
NAMES = {"/api/v1/accounts/:id": "account[name]", "/api/v1/accounts/:account_id/sub_accounts": "account[name]",
         "/api/v1/accounts/:account_id/users": "user[name]", "/api/v1/users/:user_id/tokens": "token[purpose]",
         "/api/v1/accounts/:account_id/admins": "role", "/api/v1/accounts/:account_id/roles": "label",
         "/api/v1/accounts/:account_id/roles/:id": "label", "/api2/memberships": "role_id",
         "/api2/memberships/:id": "role_id", "/api2/groups/:id/users": "user_id"}

QUERY = ["{n}=a%00b", "a%00b=1", "{n}=a%FFb", "a%C0%AF=1", "{n}=%ED%A0%80", "{n}=%zz", "{n}=%4",
         "&".join("p%d=1" % i for i in range(1100)), "k" * 300 + "=1", "x" + "[a]" * 40 + "=1", "z=1&z[b]=2"]

J, F = "application/json", "application/x-www-form-urlencoded"


def bodies(n):
    top, sub = (n.split("[")[0], n.split("[")[1].rstrip("]")) if "[" in n else (n, None)

    def js(v):
        return json.dumps({top: {sub: v}} if sub else {top: v}).encode()
    q = urllib.parse.quote(n, safe="[]").encode()
    return [(J, b'{"a":'), (J, b"[]"), (J, b'"x"'), (J, b"null"), (J, b"{} x"), (J, b"\xef\xbb\xbf{}"),
            (J, js("a\0b")), (J, b'{"a\\u0000":1}'), (J, js("AAA").replace(b"AAA", b"a\xffb")),
            (J, js("AAA").replace(b"AAA", b"\\ud800")), (J, js("AAA").replace(b"AAA", b"a\x01b")),
            (J, b'{"a":' + b"[" * 3000 + b"]" * 3000 + b"}"), (J, js("AAA").replace(b'"AAA"', b"1e400")),
            (J, json.dumps({"p%d" % i: 1 for i in range(1100)}).encode()),
            (F, q + b"=a%00b"), (F, q + b"=a\0b"), (F, q + b"=a%FFb"), (F, q + b"=a\xff"), (F, q + b"=%zz"),
            (F, b"z=1&z[b]=2"), (F, q + b"=abc" + b"&x" + b"[a]" * 40 + b"=1"), (J, q + b"=abc"),
            ("text/plain", b"hello"), ("multipart/form-data; boundary=B",
                                       b'--B\r\nContent-Disposition: form-data; name="' + n.encode() +
                                       b'"\r\n\r\na\0b\r\n--B--\r\n')]


def test_bad_input_on_every_route_is_a_json_4xx_and_writes_nothing(stack):
    t = stack.new_tenant()
    ids = seed(t)
    failures = []
    table = routes()
    assert len(table) > 50, "the route table was not read: %r" % table[:5]
    for method, pattern in ((m, p) for m, p, *_ in table):
        if pattern in ("/healthz", "/readyz", "/metrics"):
            continue
        path = concrete(pattern, ids)
        n = NAMES.get(pattern, "display_name" if pattern.startswith("/api2/") else "x")
        before = dump(stack, t)
        cases = [("query %s" % q[:30], path + "?" + q.format(n=urllib.parse.quote(n, safe="[]")), None, None, False)
                 for q in QUERY]
        if method != "GET":
            cases += [("body %s %r" % (c, b[:40]), path, c, b, False) for c, b in bodies(n)]
            cases.append(("chunked NUL", path, J, json.dumps({n: "a\0b"}).encode(), True))
        for label, p, ctype, body, chunked in cases:
            status, data = request(stack, method, p, t.host, t.token, body, ctype, chunked)
            try:
                json.loads(data)
                is_json = True
            except ValueError:
                is_json = False
            if not (400 <= status < 500 and is_json):
                failures.append("%s %s %s: %d %r" % (method, pattern, label, status, data[:120]))
        if dump(stack, t) != before:
            failures.append("%s %s: the tenant's rows changed" % (method, pattern))
    assert not failures, "\n".join(failures)
