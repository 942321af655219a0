"""End-to-end test harness: HTTP through the real nginx -> rolesd -> PostgreSQL stack.

The stack is the one `tests/stack.sh up` started; its DIR/env is in the environment (ROLESD_URL,
ROLESD_STACK_DIR, DATABASE_URL, PGHOST, ...). Python standard library only.

    stack = Stack()
    t = stack.new_tenant()                  # fresh tenant on its own host name, with an admin token
    r = t.admin.get("/api/v1/users/self")   # Client bound to that host and token
    assert r.status == 200 and r.json()["id"] == t.admin_user_id
    u = t.new_user("Sam")                   # plain user (no roles) with a token: u.client
    stack.sql("SELECT 1")                   # psql as the superuser, returns rows as lists of strings
"""
import http.client
import json
import os
import subprocess
import time
import urllib.parse
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # dict with lower-case names
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:300])


def encode_form(pairs):
    """pairs: dict or list of (key, value); values str/int/bool. Keys keep their brackets."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    out = []
    for k, v in items:
        if isinstance(v, bool):
            v = "true" if v else "false"
        out.append((k, str(v)))
    return urllib.parse.urlencode(out)


def encode_multipart(pairs):
    boundary = "----rolesd" + uuid.uuid4().hex
    items = pairs.items() if isinstance(pairs, dict) else pairs
    chunks = []
    for k, v in items:
        chunks.append("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n" % (boundary, k, v))
    chunks.append("--%s--\r\n" % boundary)
    return "".join(chunks).encode(), "multipart/form-data; boundary=" + boundary


class Client:
    def __init__(self, url, host, token=None):
        u = urllib.parse.urlparse(url)
        self.netloc = u.netloc
        self.host = host
        self.token = token

    def request(self, method, path, params=None, form=None, json_body=None, multipart=None, body=None,
                content_type=None, headers=None, token=True):
        """params -> query string; form/json_body/multipart/body (raw bytes) -> request body.
        token=False sends no Authorization header; a string sends that token instead."""
        if params:
            path = path + ("&" if "?" in path else "?") + encode_form(params)
        hdrs = {"Host": self.host}
        tok = self.token if token is True else (token or None)
        if tok:
            hdrs["Authorization"] = "Bearer " + tok
        data = None
        if form is not None:
            data = encode_form(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        elif multipart is not None:
            data, hdrs["Content-Type"] = encode_multipart(multipart)
        elif body is not None:
            data = body if isinstance(body, bytes) else body.encode()
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        if headers:
            hdrs.update(headers)
        conn = http.client.HTTPConnection(self.netloc, timeout=30)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class User:
    def __init__(self, stack, tenant, user_id, token):
        self.id = user_id
        self.token = token
        self.client = Client(stack.url, tenant.host, token)


class Tenant:
    def __init__(self, stack, host, info):
        self.stack = stack
        self.host = host
        self.id = info["tenant_id"]
        self.root_account_id = info["root_account_id"]
        self.admin_user_id = info["admin_user_id"]
        self.token = info["token"]
        self.admin = Client(stack.url, host, self.token)
        self.anon = Client(stack.url, host, None)

    def new_user(self, name="User", is_admin=False):
        """A user of this tenant with no role anywhere (and api2 Administrator if is_admin), plus a token."""
        rows = self.stack.sql(
            "SELECT set_config('rolesd.tenant_id', '%d', false);"
            " INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id, is_admin)"
            " VALUES (%d, %s, %s, %s, %s, %d, %s) RETURNING id"
            % (self.id, self.id, q(name), q(name), q(name), q("u" + uuid.uuid4().hex[:10]),
               self.root_account_id, "true" if is_admin else "false"))
        uid = int(rows[-1][0])
        return User(self.stack, self, uid, self.stack.token_for(self.host, uid))

    def sql(self, query):
        """psql as superuser with this tenant's RLS setting in place. rows[0] is the set_config row."""
        return self.stack.sql("SELECT set_config('rolesd.tenant_id', '%d', false); %s" % (self.id, query))

class PsqlSession:
    """A psql session of its own as the superuser in the rolesd database, for tests that hold PostgreSQL locks
    themselves (a writer's side of a race played in a fixed order)."""
    def __init__(self):
        self.p = subprocess.Popen(["psql", "-X", "-q", "-At", "-d", "rolesd"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)

    def run(self, sql, mark):
        """Sends sql, then waits for \\echo mark; returns the output before it."""
        self.p.stdin.write(sql + "\n\\echo " + mark + "\n")
        self.p.stdin.flush()
        out = []
        for line in self.p.stdout:
            if line.strip() == mark:
                return "".join(out)
            out.append(line)
        raise AssertionError("psql ended: %s" % "".join(out))

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def wait_until(cond, seconds=10.0, step=0.05):
    """True as soon as cond() is, polling every `step` seconds; False after `seconds`."""
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return False


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


class Stack:
    def __init__(self):
        self.url = os.environ["ROLESD_URL"]
        self.dir = os.environ["ROLESD_STACK_DIR"]
        self.rolesd = os.environ.get("ROLESD_BIN") or os.path.join(ROOT, "build", "rolesd")
        with open(os.path.join(self.dir, "tenant.json")) as f:
            demo = json.load(f)
        self.demo = Tenant(self, "localhost", demo)

    def cli(self, *args, check=True):
        """Runs build/rolesd with the stack's environment; returns CompletedProcess (text)."""
        p = subprocess.run([self.rolesd] + list(args), capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError("rolesd %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
        return p

    def new_tenant(self, name="Test School", hosts=None):
        hosts = hosts or ["t%s.test" % uuid.uuid4().hex[:12]]
        args = ["tenant", "create", "--name", name]
        for h in hosts:
            args += ["--host", h]
        info = json.loads(self.cli(*args).stdout)
        return Tenant(self, hosts[0], info)

    def token_for(self, host, user_id):
        out = self.cli("token", "create", "--host", host, "--user", str(user_id)).stdout.strip()
        try:
            return json.loads(out)["token"]
        except ValueError:
            return out

    def sql(self, query):
        """Runs query as the PostgreSQL superuser in the rolesd database; rows as lists of strings."""
        p = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", "rolesd",
                            "-c", query], capture_output=True, text=True)
        if p.returncode != 0:
            raise AssertionError("psql failed: %s\n%s" % (query[:200], p.stderr))
        return [line.split("\t") for line in p.stdout.splitlines() if line != ""]

    def client(self, host, token=None):
        return Client(self.url, host, token)
