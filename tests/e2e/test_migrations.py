"""Migrations: schema files append-only, function files re-applied when they change (stale functions dropped),
and the upgrade of a database migrated before the fold (tests/fixtures/prefold-0014.sql.gz: made by the last
pre-fold main, with a sub-account, a custom role, a locked override, an admin and an api2 role)."""
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import uuid

import pytest

pytestmark = pytest.mark.direct_db  # the migrator against PostgreSQL: not rerun through PgBouncer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def new_db(stack, prefix):
    db = prefix + uuid.uuid4().hex[:8]
    stack.sql("CREATE DATABASE %s OWNER rolesd_owner" % db)
    return db


def migrate(stack, db, migrations=None):
    env = dict(os.environ, ROLESD_ADMIN_DATABASE_URL="host=%s port=%s dbname=%s user=rolesd_owner"
               % (os.environ["PGHOST"], os.environ["PGPORT"], db))
    if migrations:
        env["ROLESD_MIGRATIONS_DIR"] = migrations
    return subprocess.run([stack.rolesd, "migrate"], env=env, capture_output=True, text=True)


def psql(db, query):
    p = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", query],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def schema(db):
    out = subprocess.run(["pg_dump", "-s", "-d", db], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line and not line.startswith("--") and "restrict" not in line]


def drop(stack, *dbs):
    for db in dbs:
        stack.sql("DROP DATABASE IF EXISTS %s" % db)


DATA = ("SELECT string_agg(t || ':' || h, ',' ORDER BY t) FROM ("
        " SELECT 'role_overrides' t, md5(string_agg(x::text, '|' ORDER BY x::text)) h FROM role_overrides x"
        " UNION ALL SELECT 'account_users', md5(string_agg((to_jsonb(x) - 'role_type' - 'live' - 'at_root')::text,"
        "   '|' ORDER BY x.id)) FROM account_users x"
        " UNION ALL SELECT 'roles', md5(string_agg(x::text, '|' ORDER BY x::text)) FROM roles x"
         " UNION ALL SELECT 'accounts', md5(string_agg((to_jsonb(x) - 'chain')::text, '|' ORDER BY x.id))"
        "   FROM accounts x"
        " UNION ALL SELECT 'users', md5(string_agg(x::text, '|' ORDER BY x::text)) FROM users x"
        " UNION ALL SELECT 'access_tokens', md5(string_agg((to_jsonb(x) - 'user_active')::text, '|' ORDER BY x.id))"
        "   FROM access_tokens x"
        " UNION ALL SELECT 'api2_roles', md5(string_agg(x::text, '|' ORDER BY x::text)) FROM api2_roles x"
        " UNION ALL SELECT 'api2_role_permissions', md5(string_agg(x::text, '|' ORDER BY x::text))"
        "   FROM api2_role_permissions x) s")


def test_upgrade_from_prefold_database_keeps_data_and_matches_fresh_schema(stack):
    old, fresh = new_db(stack, "upg_"), new_db(stack, "fresh_")
    with gzip.open(os.path.join(ROOT, "tests", "fixtures", "prefold-0014.sql.gz"), "rt") as f:
        dump = f.read()
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", old], input=dump, text=True,
                       capture_output=True)
    assert p.returncode == 0, p.stderr[-2000:]
    # a user no longer active, with a token: 0026 must mark the token
    psql(old, "UPDATE users SET workflow_state = 'deleted'"
              " WHERE id = (SELECT max(user_id) FROM access_tokens) RETURNING id")
    before = psql(old, DATA)
    m = migrate(stack, old)
    assert m.returncode == 0, m.stderr
    assert "folded migrations 0001-0014" in m.stderr, m.stderr
    assert psql(old, "SELECT string_agg(name, ',' ORDER BY version) FROM schema_migrations WHERE version <= '0014'") \
        == "0014_baseline.sql"
    assert migrate(stack, fresh).returncode == 0
    after = psql(old, DATA)
    assert before == after
    assert int(psql(old, "SELECT count(*) FROM role_overrides WHERE locked")) >= 1
    # the stored account chains (0017) were filled in by the walk they replace
    assert psql(old, "SELECT count(*) FROM accounts a"
                     " WHERE a.chain IS DISTINCT FROM rd_account_chain_walk(a.tenant_id, a.id)") == "0"
    assert int(psql(old, "SELECT max(cardinality(chain)) FROM accounts")) == 2
    # each token's user_active (0026) agrees with its user, the deleted one's too
    assert psql(old, "SELECT count(*) FILTER (WHERE NOT a.user_active) || '/' || count(*) FILTER (WHERE"
                     " a.user_active IS DISTINCT FROM (u.workflow_state = 'active')) FROM access_tokens a"
                     " JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id") == "1/0"
    # each membership's facts (0027) agree with its role and account
    assert psql(old, "SELECT count(*) || '/' || count(*) FILTER (WHERE au.role_type IS DISTINCT FROM r.base_role_type"
                     " OR au.live IS DISTINCT FROM (au.workflow_state = 'active' AND a.workflow_state = 'active'"
                     " AND r.workflow_state IN ('active', 'built_in'))"
                     " OR au.at_root IS DISTINCT FROM (a.parent_account_id IS NULL)) FROM account_users au"
                     " JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id"
                     " JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id").endswith("/0")
    assert psql(old, "SELECT count(*) FROM account_users WHERE live") != "0"
    a, b = schema(old), schema(fresh)
    assert a == b, "\n".join(l for l in set(a) ^ set(b))[:3000]
    # a second run finds nothing to do
    again = migrate(stack, old)
    assert again.returncode == 0 and "applied" not in again.stderr, again.stderr
    drop(stack, old, fresh)


def test_function_files_reapplied_and_stale_functions_dropped(stack):
    tmp = tempfile.mkdtemp()
    try:
        mig = os.path.join(tmp, "migrations")
        shutil.copytree(os.path.join(ROOT, "migrations"), mig)
        db = new_db(stack, "fn_")
        assert migrate(stack, db, mig).returncode == 0
        extra = os.path.join(mig, "functions", "95_extra.sql")
        with open(extra, "w") as f:
            f.write("CREATE OR REPLACE FUNCTION rd_zz_probe() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\n")
        m = migrate(stack, db, mig)
        assert m.returncode == 0 and "applied functions/95_extra.sql" in m.stderr, m.stderr
        assert "applied functions/00_context.sql" not in m.stderr, m.stderr
        assert psql(db, "SELECT rd_zz_probe()") == "1"
        with open(extra, "w") as f:
            f.write("CREATE OR REPLACE FUNCTION rd_zz_probe() RETURNS int LANGUAGE sql AS $$ SELECT 2 $$;\n")
        assert migrate(stack, db, mig).returncode == 0
        assert psql(db, "SELECT rd_zz_probe()") == "2"
        os.unlink(extra)
        m = migrate(stack, db, mig)
        assert m.returncode == 0 and "dropped function rd_zz_probe()" in m.stderr, m.stderr
        assert psql(db, "SELECT count(*) FROM pg_proc WHERE proname = 'rd_zz_probe'") == "0"
        # a broken function file changes nothing: the whole run is one transaction
        with open(extra, "w") as f:
            f.write("CREATE OR REPLACE FUNCTION rd_zz_probe() RETURNS int LANGUAGE sql AS $$ SELECT nope $$;\n")
        with open(os.path.join(mig, "9999_probe.sql"), "w") as f:
            f.write("CREATE TABLE zz_probe (id int);\n")
        m = migrate(stack, db, mig)
        assert m.returncode != 0, m.stderr
        assert psql(db, "SELECT count(*) FROM pg_class WHERE relname = 'zz_probe'") == "0"
        assert psql(db, "SELECT count(*) FROM schema_migrations WHERE version = '9999'") == "0"
        drop(stack, db)
    finally:
        shutil.rmtree(tmp)


def test_every_function_is_defined_once_in_the_source(stack):
    names = {}
    for d in (os.path.join(ROOT, "migrations"), os.path.join(ROOT, "migrations", "functions")):
        for f in os.listdir(d):
            if f.endswith(".sql"):
                with open(os.path.join(d, f)) as fh:
                    for m in re.finditer(r"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+([\w.]+)", fh.read(), re.I):
                        names.setdefault(m.group(1), []).append(f)
    assert names
    twice = {n: fs for n, fs in names.items() if len(fs) > 1}
    assert not twice, twice
    # the issue's own check: `grep -c "FUNCTION name" migrations -r` is 1 for every function
    lines = []
    for d in (os.path.join(ROOT, "migrations"), os.path.join(ROOT, "migrations", "functions")):
        for f in os.listdir(d):
            if f.endswith(".sql"):
                with open(os.path.join(d, f)) as fh:
                    lines += fh.read().splitlines()
    counts = {n: sum(1 for line in lines if re.search(r"FUNCTION %s\b" % re.escape(n), line)) for n in names}
    assert all(c == 1 for c in counts.values()), {n: c for n, c in counts.items() if c != 1}
    schema_files = [f for f in os.listdir(os.path.join(ROOT, "migrations")) if f.endswith(".sql")]
    in_schema = {n: fs for n, fs in names.items() if set(fs) & set(schema_files)}
    assert not in_schema, in_schema
