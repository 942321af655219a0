"""Hostile HTTP (issue 13): bad bytes and bad framing are a 4xx and leave the database as it was.

Every case compares a dump of the tenant's rows (every table with a tenant_id column, and the tenant row)
before and after. Raw requests go through a socket so that nothing on the client side repairs them.
"""
import json
import os
import re
import socket
import urllib.parse

import harness


def tenant_dump(stack, t):
    """Every row the tenant owns, as text, in a stable order."""
    tables = [r[0] for r in stack.sql(
        "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables b"
        " USING (table_schema, table_name) WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'"
        " AND b.table_type = 'BASE TABLE' ORDER BY 1")]
    assert "users" in tables and "roles" in tables, tables
    parts = ["SELECT 'tenants', (SELECT x::text FROM tenants x WHERE id = %d)" % t.id]
    for name in tables:
        parts.append("SELECT %s, (SELECT string_agg(x::text, E'\\n' ORDER BY x::text) FROM %s x"
                     " WHERE tenant_id = %d)" % (harness.q(name), name, t.id))
    return stack.sql(" UNION ALL ".join(parts))


class Unchanged:
    """with Unchanged(stack, t): ... asserts the tenant's rows are the same afterwards."""

    def __init__(self, stack, t):
        self.stack, self.t = stack, t

    def __enter__(self):
        self.before = tenant_dump(self.stack, self.t)
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            after = tenant_dump(self.stack, self.t)
            assert after == self.before, "database changed:\n%s\n---\n%s" % (self.before, after)
        return False


def raw(stack, data, timeout=10):
    """Sends bytes as they are; returns (status, head text, body bytes) of the first answer."""
    u = urllib.parse.urlparse(stack.url)
    s = socket.create_connection((u.hostname, u.port), timeout=timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                c = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not c:
                break
            chunks.append(c)
    finally:
        s.close()
    out = b"".join(chunks)
    head, _, body = out.partition(b"\r\n\r\n")
    line = head.split(b"\r\n", 1)[0].decode("latin-1")
    assert line.startswith("HTTP/1."), "no HTTP answer: %r" % out[:200]
    if re.search(rb"(?im)^transfer-encoding: *chunked", head):
        body = dechunk(body)
    return int(line.split()[1]), head.decode("latin-1"), body


def dechunk(data):
    out = b""
    while data:
        size, _, data = data.partition(b"\r\n")
        n = int(size.split(b";")[0], 16)
        if n == 0:
            break
        out, data = out + data[:n], data[n + 2:]
    return out


def assert_nul_400(r, name):
    assert r.status == 400, r
    body = r.json()
    assert set(body) == {"message"}, body
    assert "NUL" in body["message"] and name in body["message"], body


def test_nul_in_query_string(stack):
    t = stack.new_tenant()
    with Unchanged(stack, t):
        assert_nul_400(t.admin.get("/api2/roles?display_name=a%00b"), "display_name")
        assert_nul_400(t.admin.get("/api2/roles?permissions[]=media-read%00"), "permissions[]")
        assert_nul_400(t.admin.get("/api/v1/accounts/%d/roles?x=%%00" % t.root_account_id), "x")
        assert_nul_400(t.admin.post("/api/v1/accounts/%d/roles?label=nul%%00tail&base_role_type="
                                    "AccountMembership" % t.root_account_id), "label")
        assert_nul_400(t.admin.get("/api/v1/users/self?access_token=%00"), "access_token")
        assert_nul_400(t.admin.get("/api/v1/users/self?a%00b=1"), "name")


def test_nul_in_form_body(stack):
    t = stack.new_tenant()
    acct = t.root_account_id
    with Unchanged(stack, t):
        # the example: Canvas labels used to store "nul"
        assert_nul_400(t.admin.post("/api/v1/accounts/%d/roles" % acct,
                                    form={"label": "nul\0tail", "base_role_type": "AccountMembership"}), "label")
        assert_nul_400(t.admin.post("/api/v1/accounts/%d/users" % acct,
                                    form={"user[name]": "Sam\0Evil", "pseudonym[unique_id]": "sam1"}), "user[name]")
        assert_nul_400(t.admin.post("/api/v1/accounts/%d/users" % acct,
                                    form={"user[name]": "Sam", "pseudonym[unique_id]": "sam\0x"}),
                       "pseudonym[unique_id]")
        assert_nul_400(t.admin.post("/api/v1/users/%d/tokens" % t.admin_user_id,
                                    form={"token[purpose]": "ci\0x"}), "token[purpose]")
        assert_nul_400(t.admin.post("/api2/roles", form={"display_name": "a\0b", "permissions[]": "media-read"}),
                       "display_name")
        # a raw NUL byte (not percent-encoded) in a form body
        assert_nul_400(t.admin.post("/api2/roles", body=b"display_name=a\0b",
                                    content_type="application/x-www-form-urlencoded"), "display_name")


def test_nul_in_multipart_body(stack):
    t = stack.new_tenant()
    with Unchanged(stack, t):
        assert_nul_400(t.admin.post("/api/v1/accounts/%d/roles" % t.root_account_id,
                                    multipart={"label": "nul\0tail", "base_role_type": "AccountMembership"}),
                       "label")
        assert_nul_400(t.admin.post("/api2/roles", multipart={"display_name": "x\0", "permissions[]": "media-read"}),
                       "display_name")
        assert_nul_400(t.admin.post("/api2/roles", multipart={"disp\0lay_name": "x"}), "name")


def test_nul_in_json_body(stack):
    t = stack.new_tenant()
    rid = t.admin.post("/api2/roles", json_body={"display_name": "Keep", "permissions": []}).json()["id"]
    with Unchanged(stack, t):
        assert_nul_400(t.admin.post("/api2/roles", json_body={"display_name": "a\0b", "permissions": []}),
                       "display_name")
        assert_nul_400(t.admin.post("/api2/roles/%s" % rid, json_body={"display_name": "Keep\0x"}), "display_name")
        assert_nul_400(t.admin.post("/api2/roles/%s/add-permissions" % rid,
                                    json_body={"permissions": ["media-read\0"]}), "permissions[]")
        assert_nul_400(t.admin.post("/api/v1/accounts/%d/roles" % t.root_account_id,
                                    json_body={"label": "nul\0tail"}), "label")
        assert_nul_400(t.admin.put("/api/v1/accounts/%d" % t.root_account_id,
                                   json_body={"account": {"name": "x\0y"}}), "account[name]")
        assert_nul_400(t.admin.post("/api2/roles", body=b'{"a\\u0000":1}', content_type="application/json"),
                       "name")


# nginx's large_client_header_buffers (nginx/rolesd.conf.in): a request line, CRLF included, of up to
# 16384 bytes is read; one byte more is a 414.
MAX_REQUEST_LINE = 16384


def request_line_of(uri, size, filler):
    """uri + filler repeated so that "GET <uri> HTTP/1.1\\r\\n" is exactly size bytes (filler: bytes)."""
    fixed = len(b"GET ") + len(uri) + len(b" HTTP/1.1\r\n")
    n = size - fixed
    body = filler * (n // len(filler))  # whole fillers only (never half a UTF-8 sequence), then ASCII
    return uri + body + b"a" * (n - len(body))


def get_raw(stack, t, uri):
    req = b"GET " + uri + b" HTTP/1.1\r\nHost: " + t.host.encode() + b"\r\nAuthorization: Bearer " + \
        t.token.encode() + b"\r\nConnection: close\r\n\r\n"
    return raw(stack, req)


def link_rels(head):
    for line in head.split("\r\n"):
        if line.lower().startswith("link:"):
            return re.findall(r'>; rel="([a-z]+)"', line)
    return []


def test_long_user_id_filter_lists(stack):
    # the case: a legitimate user_id[] filter (100 is the most admins_list accepts) was a 502
    t = stack.new_tenant()
    ids = [str(10 ** 12 + i) for i in range(100)]
    r = t.admin.get("/api/v1/accounts/%d/admins" % t.root_account_id,
                    params=[("user_id[]", i) for i in ids] + [("per_page", 1)])
    assert r.status == 200, r
    assert "user_id%5B%5D=" + ids[-1] in r.header("Link"), r.header("Link")[:200]


def test_longest_query_on_canvas_lists(stack):
    t = stack.new_tenant()
    with Unchanged(stack, t):
        # the worst case for Link: raw bytes that re-encoding triples, in a request line at nginx's limit
        for path, filler in [(b"/api/v1/accounts/%d/roles?per_page=1&x=" % t.root_account_id, "é".encode()),
                             (b"/api/v1/accounts/%d/roles?per_page=1&page=2&x=" % t.root_account_id, b"a"),
                             (b"/api/v1/accounts/%d/admins?per_page=1&x=" % t.root_account_id, b"<"),
                             (b"/api/v1/users/%d/tokens?per_page=1&x=" % t.admin_user_id, b"\""),
                             (b"/api/v1/accounts/%d/sub_accounts?x=" % t.root_account_id, b"]")]:
            uri = request_line_of(path, MAX_REQUEST_LINE, filler)
            status, head, _ = get_raw(stack, t, uri)
            assert status == 200, (path, status, head[:300])
            rels = link_rels(head)
            # only next survives such a query (Canvas' 6 KB cap); a list of one page has no Link at all
            if b"/roles?" in path:
                assert "next" in rels, rels
            if b"page=2" in path:  # prev, last, current, first do not fit Canvas' 6 KB with next
                assert rels == ["next"], rels
            status, head, _ = get_raw(stack, t, request_line_of(path, MAX_REQUEST_LINE + 1, filler))
            assert status == 414, (path, status, head[:300])
        # api2 lists carry their links in the body
        uri = request_line_of(b"/api2/roles?per_page=1&x=", MAX_REQUEST_LINE, "é".encode())
        status, head, body = get_raw(stack, t, uri)
        assert status == 200, (status, head[:300])
        status, _, body = get_raw(stack, t, request_line_of(b"/api2/roles?x=", MAX_REQUEST_LINE + 1, b"a"))
        assert status == 414, status
        assert_json_message(status, body)


def log_lines_with(path, request_id):
    with open(path) as f:
        return [json.loads(line) for line in f if request_id in line and line.startswith("{")]


def test_absolute_uri_one_host_decides(stack):
    # "GET http://b.test/... " with "Host: a.test": nginx logs b.test ($host), rolesd served a.test
    a, b = stack.new_tenant(), stack.new_tenant()
    netloc = urllib.parse.urlparse(stack.url).netloc
    with Unchanged(stack, a), Unchanged(stack, b):
        for token in (a.token, b.token):
            req = ("GET http://%s/api/v1/users/self HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                   "Connection: close\r\n\r\n" % (b.host, a.host, token)).encode()
            status, head, body = raw(stack, req)
            assert status == 400, (status, body[:200])
            assert json.loads(body) == {"message": "Host header does not match the request target"}, body
            rid = re.search(r"(?im)^x-request-id: (\S+)", head).group(1)
            access = log_lines_with(os.path.join(stack.dir, "log", "access.log"), rid)
            served = log_lines_with(os.path.join(stack.dir, "log", "rolesd.log"), rid)
            assert [x["host"] for x in access] == [b.host], access
            assert [(x["status"], x["tenant_id"]) for x in served] == [(400, 0)], served
        # the absolute form naming the Host header's host (port and case aside) is served as that host
        req = ("GET http://%s/api/v1/users/self HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
               "Connection: close\r\n\r\n" % (b.host.upper(), b.host + ":" + netloc.split(":")[1], b.token)).encode()
        status, head, body = raw(stack, req)
        assert status == 200 and json.loads(body)["id"] == b.admin_user_id, (status, body[:200])
        # and so is the Host header's fully qualified form, as nginx logs it
        r = stack.client(a.host + ".", a.token).get("/api/v1/users/self")
        assert r.status == 200 and r.json()["id"] == a.admin_user_id, r


def assert_400_message(r):
    assert r.status == 400, r
    assert set(r.json()) == {"message"}, r


def test_deep_nesting(stack):
    t = stack.new_tenant()
    acct = t.root_account_id
    with Unchanged(stack, t):
        for depth in (12, 3000, 100000):
            deep = "[" * depth + "]" * depth
            body = ('{"display_name":"Deep","permissions":%s}' % deep).encode()
            assert_400_message(t.admin.post("/api2/roles", body=body, content_type="application/json"))
            body = ('{"label":"Deep","permissions":{"a":%s}}' % deep).encode()
            assert_400_message(t.admin.post("/api/v1/accounts/%d/roles" % acct, body=body,
                                            content_type="application/json"))
        key = "role" + "[a]" * 40
        assert_400_message(t.admin.post("/api/v1/accounts/%d/roles" % acct, form={"label": "Deep", key: "1"}))
        assert_400_message(t.admin.get("/api2/roles?" + "x" + "[a]" * 40 + "=1"))


def test_broken_multipart(stack):
    t = stack.new_tenant()
    url = "/api/v1/accounts/%d/roles" % t.root_account_id
    good = b'--B\r\nContent-Disposition: form-data; name="label"\r\n\r\nBroken\r\n'
    cases = [
        ("multipart/form-data; boundary=B", good),                              # no closing delimiter
        ("multipart/form-data; boundary=B", good[:-2]),                        # truncated part
        ("multipart/form-data", good + b"--B--\r\n"),                          # no boundary
        ("multipart/form-data; boundary=B", b'--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n'),  # no name
        ("multipart/form-data; boundary=B", b'--B\r\nContent-Disposition: form-data; name="label"\r\nx'),
        ("multipart/form-data; boundary=B", b"garbage"),
        ("multipart/form-data; boundary=" + "B" * 200, good),
        ("multipart/form-data; boundary=B", b'--B\r\nContent-Disposition: form-data; name="label"\r\n\r\n'
                                            b'\xff\xfe\r\n--B--\r\n'),                           # not UTF-8
    ]
    with Unchanged(stack, t):
        for ctype, body in cases:
            assert_400_message(t.admin.post(url, body=body, content_type=ctype))
            r = t.admin.post("/api2/roles", body=body, content_type=ctype)
            assert r.status == 400 and set(r.json()) == {"message"}, (ctype, body, r)


def assert_json_message(status, body):
    """nginx's own errors are JSON like rolesd's 4xx (nginx/errors.conf), not HTML pages."""
    try:
        doc = json.loads(body)
    except ValueError:
        raise AssertionError("not JSON: %d %r" % (status, body[:200]))
    assert isinstance(doc.get("message"), str) and doc["message"], (status, doc)


def test_body_over_1_mib_is_413_json(stack):
    t = stack.new_tenant()
    body = b'{"display_name":"' + b"x" * (1 << 20) + b'","permissions":[]}'
    req = ("POST /api2/roles HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json"
           "\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (t.host, t.token, len(body))).encode() + body
    with Unchanged(stack, t):
        status, head, answer = raw(stack, req)
        assert status == 413, (status, answer[:200])
        assert re.search(r"(?im)^content-type: application/json", head), head
        assert re.search(r"(?im)^x-request-id: [0-9a-f]{32}\r?$", head), "nginx's own answers name the request too"
        assert_json_message(status, answer)


def test_nginx_own_canvas_answers_carry_x_request_cost(stack):
    # canvas-conventions.md: every API answer carries X-Request-Cost, also what nginx answers itself
    t = stack.new_tenant()
    body = b"label=" + b"x" * (1 << 20)
    req = ("POST /api/v1/accounts/self/roles HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
           % (t.host, t.token, len(body))).encode() + body
    status, head, answer = raw(stack, req)
    assert status == 413 and re.search(r"(?im)^x-request-cost: 0\.0\r?$", head), head
    # rolesd's own Canvas answers carry one cost (not nginx's besides), api2's none
    r = t.admin.get("/api/v1/accounts/self/roles")
    assert r.status == 200 and "," not in r.header("X-Request-Cost") and float(r.header("X-Request-Cost")) >= 0, r
    assert t.admin.get("/api2/roles").header("X-Request-Cost") is None


def test_requests_nginx_refuses_are_answered_in_json(stack):
    t = stack.new_tenant()
    cases = [
        (b"GARBAGE\r\n\r\n", 400),                                                    # no request line
        (b"GET /api2/roles%00x HTTP/1.1\r\nHost: " + t.host.encode() + b"\r\n\r\n", 400),  # NUL in the path
        (b"GET /api2/roles HTTP/1.1\r\nHost: " + t.host.encode() + b"\r\nAuthorization: Bearer a\r\n"
         b"Authorization: Bearer b\r\n\r\n", 400),                                      # two Authorization headers
        (b"TRACE /api2/roles HTTP/1.1\r\nHost: " + t.host.encode() + b"\r\n\r\n", 405),
        (b"GET /metrics HTTP/1.1\r\nHost: " + t.host.encode() + b"\r\n\r\n", 404),          # the scraper's only
        (b"GET /rd_error_400 HTTP/1.1\r\nHost: " + t.host.encode() + b"\r\n\r\n", 404),     # the pages are internal
    ]
    with Unchanged(stack, t):
        for req, want in cases:
            status, _, body = raw(stack, req[:-2] + b"Connection: close\r\n\r\n" if req.count(b"\r\n") > 2 else req)
            assert status == want, (req[:60], status, body[:200])
            assert_json_message(status, body)


def test_content_length_transfer_encoding_conflicts(stack):
    t = stack.new_tenant()
    smuggled = ('{"display_name":"Smuggled","permissions":[]}')
    inner = ("POST /api2/roles HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json"
             "\r\nContent-Length: %d\r\n\r\n%s" % (t.host, t.token, len(smuggled), smuggled))
    chunked = "0\r\n\r\n" + inner
    head = "POST /api2/roles HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n" \
        % (t.host, t.token)
    cases = [
        # both framings: the front end must not pick one and leave the rest as a second request
        head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked,
        head + "Transfer-Encoding: chunked\r\nContent-Length: %d\r\n\r\n" % len(chunked) + chunked,
        # two lengths
        head + "Content-Length: 5\r\nContent-Length: %d\r\n\r\n" % len(inner) + "{}\r\n\r\n" + inner,
        head + "Content-Length: 5, 7\r\n\r\n{}   ",
        head + "Content-Length: -1\r\n\r\n" + inner,
        head + "Content-Length: 0x10\r\n\r\n" + inner,
        # codings nobody agreed on
        head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunked,
        head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n" + chunked,
        head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        head + "Transfer-Encoding: chunked\r\n\r\n3;" + "x" * 20000 + "\r\n{}\r\n0\r\n\r\n",
    ]
    with Unchanged(stack, t):
        for req in cases:
            status, head_text, body = raw(stack, req.encode())
            assert 400 <= status < 500 or status == 501, (req[:160], status, body[:200])
            assert_json_message(status, body)
            assert b"Smuggled" not in body, body[:200]
    assert not [r for r in t.sql("SELECT display_name FROM api2_roles WHERE display_name = 'Smuggled'")[1:]]


def test_huge_headers(stack):
    t = stack.new_tenant()
    base = "GET /api/v1/users/self HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n" % (t.host, t.token)
    cases = [
        base + "X-Big: " + "a" * 17000 + "\r\n\r\n",                                  # one line over 16k
        base + "".join("X-H%d: %s\r\n" % (i, "b" * 15000) for i in range(6)) + "\r\n",  # all lines over 4 x 16k
        "GET /api/v1/users/self HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s%s\r\n\r\n"
        % (t.host, t.token, "c" * 17000),                                             # an oversized token
        "GET /api/v1/users/self HTTP/1.1\r\nHost: %s%s\r\n\r\n" % (t.host, "d" * 17000),  # an oversized host
    ]
    with Unchanged(stack, t):
        for req in cases:
            status, _, body = raw(stack, req.encode())
            assert status in (400, 414, 431, 494), (req[:100], status, body[:200])
            assert_json_message(status, body)
        # a large header that fits is still served
        status, _, body = raw(stack, (base + "X-Ok: " + "e" * 8000 + "\r\nConnection: close\r\n\r\n").encode())
        assert status == 200, (status, body[:200])
