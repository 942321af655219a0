"""Setup helpers for the accounts / admins / tokens / permissions tests (issue #5): custom roles,
overrides, memberships and sub-accounts written straight into the database as the superuser."""
from harness import q


def builtin_role(t, name="AccountAdmin"):
    return int(t.sql("SELECT id FROM roles WHERE tenant_id = %d AND workflow_state = 'built_in' AND name = %s"
                     % (t.id, q(name)))[-1][0])


def make_role(t, name, account_id=None, base="AccountMembership", state="active"):
    account_id = account_id or t.root_account_id
    return int(t.sql("INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)"
                     " VALUES (%d, %d, %d, %s, %s, %s) RETURNING id"
                     % (t.id, t.root_account_id, account_id, q(name), q(base), q(state)))[-1][0])


def override(t, account_id, role_id, permission, enabled=True, locked=False, self_=True, desc=True):
    t.sql("INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked,"
          " applies_to_self, applies_to_descendants) VALUES (%d, %d, %d, %s, %s, %s, %s, %s)"
          " ON CONFLICT (tenant_id, account_id, role_id, permission) DO UPDATE SET enabled = EXCLUDED.enabled,"
          " locked = EXCLUDED.locked, applies_to_self = EXCLUDED.applies_to_self,"
          " applies_to_descendants = EXCLUDED.applies_to_descendants"
          % (t.id, account_id, role_id, q(permission), enabled, locked, self_, desc))


def member(t, account_id, user_id, role_id):
    return int(t.sql("INSERT INTO account_users (tenant_id, account_id, user_id, role_id) VALUES (%d, %d, %d, %d)"
                     " RETURNING id" % (t.id, account_id, user_id, role_id))[-1][0])


def sub_account(t, parent_id=None, name="Sub", sis=None):
    parent_id = parent_id or t.root_account_id
    return int(t.sql("INSERT INTO accounts (tenant_id, parent_account_id, root_account_id, name, sis_account_id)"
                     " VALUES (%d, %d, %d, %s, %s) RETURNING id"
                     % (t.id, parent_id, t.root_account_id, q(name), q(sis) if sis else "NULL"))[-1][0])


def enable_token_admin(t):
    """Turns on admin_manage_access_tokens explicitly (on by default since 0020; kept so the tests say what they need)."""
    t.sql("UPDATE tenants SET settings = jsonb_set(settings, '{canvas_conditions}',"
          " coalesce(settings -> 'canvas_conditions', '{}') || '{\"admin_manage_access_tokens\": true}')"
          " WHERE id = %d" % t.id)


def assert_forbidden(r, permission, account_id=None):
    assert r.status == 403, r
    e = r.json()["errors"][0]
    assert r.json()["status"] == "unauthorized", r
    assert e["message"] == "user not authorized to perform that action", r
    assert e["error_code"] == "missing_permission" and e["permission"] == permission, r
    if account_id is not None:
        assert e["account_id"] == account_id, r
    assert r.header("WWW-Authenticate") is None, r


def assert_404(r):
    assert r.status == 404, r
    assert r.json() == {"errors": [{"message": "The specified resource does not exist."}]}, r


def assert_401(r):
    assert r.status == 401, r
    assert r.json()["status"] == "unauthenticated", r


def links(r):
    """rel -> URL of the Link header."""
    out = {}
    for part in (r.header("Link") or "").split(","):
        if not part:
            continue
        url, rel = part.split(";", 1)
        out[rel.strip()[5:-1]] = url.strip()[1:-1]
    return out


def path_of(url):
    """The path and query of an absolute Link URL, for a Client."""
    return "/" + url.split("/", 3)[3]
