"""The benchmark's generated data set and the list of rolesd endpoints to measure.

Bulk rows (account trees) are inserted with SQL; roles, overrides and memberships go through the public
API, so the data set does not depend on how the SQL schema stores them.
"""
import json


def load_kv(stack):
    """Table for baseline Q: 1000 rows read by primary key, readable by the service role."""
    stack.sql("CREATE TABLE IF NOT EXISTS bench_kv (id int PRIMARY KEY, name text NOT NULL);"
              " INSERT INTO bench_kv SELECT g, 'name ' || g FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING;"
              " GRANT SELECT ON bench_kv TO rolesd_app; ANALYZE bench_kv;")


def make_chain(tenant, depth, name="Bench"):
    """depth sub-accounts in a line under the root; returns [root, a1, ..., a_depth] ids."""
    rows = tenant.sql(
        "WITH RECURSIVE c(n, id) AS ("
        "  SELECT 0, %d::bigint"
        "  UNION ALL"
        "  SELECT c.n + 1, (SELECT rd_bench_add_account(%d, c.id, '%s ' || (c.n + 1)))"
        "  FROM c WHERE c.n < %d)"
        " SELECT id FROM c ORDER BY n" % (tenant.root_account_id, tenant.id, name, depth))
    return [int(r[0]) for r in rows[1:]]  # rows[0] is Tenant.sql's set_config


def ensure_helpers(stack):
    stack.sql("""
CREATE OR REPLACE FUNCTION rd_bench_add_account(p_tenant bigint, p_parent bigint, p_name text) RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
    SELECT p_tenant, p_name, p_parent, coalesce(a.root_account_id, a.id)
      FROM accounts a WHERE a.tenant_id = p_tenant AND a.id = p_parent
    RETURNING id $$;
CREATE OR REPLACE FUNCTION rd_bench_add_wide(p_tenant bigint, p_parent bigint, p_n int) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
    SELECT p_tenant, 'Wide ' || g, p_parent, coalesce(a.root_account_id, a.id)
      FROM accounts a, generate_series(1, p_n) g WHERE a.tenant_id = p_tenant AND a.id = p_parent $$;
""")


def ok(r, what):
    if r.status // 100 != 2:
        raise RuntimeError("%s: %d %s" % (what, r.status, r.text[:400]))
    return r


PERMS = ["read_reports", "read_roster", "view_statistics", "manage_alerts", "read_course_content"]


def canvas_setup(stack, tenant, depth=5, overrides=True):
    """A custom account role on the root with ~20 overrides along a depth-level chain; an admin holding it
    on the first sub-account. Returns dict(leaf, role_id, admin_token)."""
    ensure_helpers(stack)
    chain = make_chain(tenant, depth)
    r = ok(tenant.admin.post("/api/v1/accounts/%d/roles" % chain[0],
                             form={"role": "Bench Auditor", "base_role_type": "AccountMembership"}), "create role")
    role_id = r.json()["id"]
    if overrides:
        # 4 levels x 5 permissions = 20 override rows on the leaf's chain
        levels = chain[:-1][-4:] if len(chain) > 4 else chain[:-1] or chain
        for i, acct in enumerate(levels):
            form = []
            for p in PERMS:
                form += [("permissions[%s][explicit]" % p, "1"), ("permissions[%s][enabled]" % p, "1" if i % 2 == 0 else "0")]
            ok(tenant.admin.put("/api/v1/accounts/%d/roles/%d" % (acct, role_id), form=form), "override")
    admin = tenant.new_user("Bench Admin")
    ok(tenant.admin.post("/api/v1/accounts/%d/admins" % chain[min(1, len(chain) - 1)],
                         form={"user_id": admin.id, "role_id": role_id}), "admin membership")
    return {"chain": chain, "leaf": chain[-1], "role_id": role_id, "admin_token": admin.token}


def api2_setup(stack, tenant):
    r = ok(tenant.admin.post("/api2/roles", json_body={
        "display_name": "Bench Editor", "permissions": ["collection-read", "media-read", "media-play"]}),
        "api2 create")
    return {"role_id": r.json()["id"]}


def collections_setup(stack, tenant, depth=5):
    """A chain of depth collections under My Site, a plain user holding Viewer on the top one (inherited
    down to the leaf). Returns dict(leaf, token)."""
    items = ok(tenant.admin.get("/api2/collections", params={"per_page": 1}), "my site").json()["items"]
    parent = items[0]["id"]  # My Site is a tenant's first collection
    chain = []
    for i in range(depth):
        c = ok(tenant.admin.post("/api2/collections", json_body={"display_name": "Bench %d" % i, "parent_id": parent}),
               "api2 collection").json()
        chain.append(c["id"])
        parent = c["id"]
    viewer = ok(tenant.admin.get("/api2/roles", params={"display_name": "Viewer"}), "viewer").json()["items"][0]["id"]
    user = tenant.new_user("Bench Viewer")
    ok(tenant.admin.post("/api2/memberships", json_body={"collection_id": chain[0], "role_id": viewer,
                                                         "user_id": str(user.id)}), "api2 membership")
    return {"leaf": chain[-1], "token": user.token}


def targets(stack, Target):
    t = stack.demo
    out = [Target("users/self (auth + 1 row)", "/api/v1/users/self", token=t.token)]
    c = canvas_setup(stack, t)
    leaf, rid = c["leaf"], c["role_id"]
    put_body = "permissions[read_reports][explicit]=1&permissions[read_reports][enabled]=1"
    out += [
        Target("canvas GET role (leaf of 5 levels, 20 overrides)", "/api/v1/accounts/%d/roles/%d" % (leaf, rid),
               token=t.token),
        Target("canvas list roles per_page=10 show_inherited", "/api/v1/accounts/%d/roles?per_page=10&show_inherited=1"
               % leaf, token=t.token),
        Target("canvas PUT one override", "/api/v1/accounts/%d/roles/%d" % (leaf, rid), method="PUT",
               body=put_body, ctype="application/x-www-form-urlencoded", token=t.token),
        # the same override switched on and off: the row above repeats one request, which changes nothing
        # after the first
        Target("canvas PUT alternating values", "/api/v1/accounts/%d/roles/%d" % (leaf, rid), method="PUT",
               body=put_body, ctype="application/x-www-form-urlencoded", token=t.token,
               alt=("/api/v1/accounts/%d/roles/%d" % (leaf, rid), put_body[:-1] + "0")),
        Target("canvas permission check (parent admin)", "/api/v1/accounts/%d/permissions?permissions[]=read_reports"
               % leaf, token=c["admin_token"]),
    ]
    a = api2_setup(stack, t)
    out += [
        Target("api2 GET role", "/api2/roles/%s" % a["role_id"], token=t.token),
        Target("api2 add-permissions", "/api2/roles/%s/add-permissions" % a["role_id"], method="POST",
               body=json.dumps({"permissions": ["media-like"]}), ctype="application/json", token=t.token),
        Target("api2 add/remove alternating", "/api2/roles/%s/add-permissions" % a["role_id"], method="POST",
               body=json.dumps({"permissions": ["media-like"]}), ctype="application/json", token=t.token,
               alt=("/api2/roles/%s/remove-permissions" % a["role_id"], json.dumps({"permissions": ["media-like"]}))),
        Target("api2 list, permissions filter", "/api2/roles?permissions=media-play", token=t.token),
    ]
    c = collections_setup(stack, t)
    out += [
        Target("api2 collection check (inherited over 5 levels)", "/api2/collections/%s/permissions" % c["leaf"],
               token=c["token"]),
        Target("api2 collections list, permission filter", "/api2/collections?permission=media-play",
               token=c["token"]),
    ]
    return out
