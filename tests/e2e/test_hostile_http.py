"""Hostile HTTP (issue 13): bad bytes and bad framing are a 4xx and leave the database as it was.

Every case compares a dump of the tenant's rows (every table with a tenant_id column, and the tenant row)
before and after. Raw requests go through a socket so that nothing on the client side repairs them.
"""
import http.client
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
        s.shutdown(socket.SHUT_WR)
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
    return int(line.split()[1]), head.decode("latin-1"), body


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
