-- api2 collections at scale: a check and a list page use index scans only (no sequential scan) on a big tenant.
-- The issue's figure is 100k collections of depth 50, 10k groups and 1M memberships; this generated set is a
-- fifth of it (20k collections in 400 chains of depth 50, 2k groups, 200k memberships) so the suite stays
-- fast; the plans are the same shape (every step an index probe by tenant and id).
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Big', ARRAY['big.test'], 'Admin', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Small', ARRAY['small.test'], 'Admin', repeat('b', 64), 'bbbbb');
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);

-- 400 chains of 50 under My Site, every level inheriting but each tenth
INSERT INTO api2_collections (tenant_id, id, parent_id, slug, display_name, inherit_memberships)
SELECT rd_tenant(), 1000000 + g,
       CASE WHEN g % 50 = 0 THEN (SELECT id FROM api2_collections WHERE tenant_id = rd_tenant() AND parent_id IS NULL)
            ELSE 1000000 + g - 1 END,
       'c' || g, 'Collection ' || g, g % 10 <> 5
  FROM generate_series(0, 19999) g ORDER BY g;
INSERT INTO users (tenant_id, id, name, login_id)
SELECT rd_tenant(), 1000000 + g, 'User ' || g, 'user' || g FROM generate_series(0, 999) g;
INSERT INTO api2_groups (tenant_id, id, display_name)
SELECT rd_tenant(), 1000000 + g, 'Group ' || g FROM generate_series(0, 1999) g;
INSERT INTO api2_group_users (tenant_id, group_id, user_id)
SELECT rd_tenant(), 1000000 + (g * 7) % 2000, 1000000 + g % 1000 FROM generate_series(0, 4999) g
ON CONFLICT DO NOTHING;
-- 10 group memberships on every collection (180k) and 20 user memberships per user (20k)
INSERT INTO api2_memberships (tenant_id, collection_id, role_id, group_id)
SELECT rd_tenant(), 1000000 + g % 20000, (SELECT min(id) + 2 FROM api2_roles WHERE tenant_id = rd_tenant()),
       1000000 + ((g / 20000) * 197 + g % 20000) % 2000
  FROM generate_series(0, 179999) g;
INSERT INTO api2_memberships (tenant_id, collection_id, role_id, user_id)
SELECT rd_tenant(), 1000000 + (g * 37) % 20000, (SELECT min(id) + 1 FROM api2_roles WHERE tenant_id = rd_tenant()),
       1000000 + g % 1000
  FROM generate_series(0, 19999) g
ON CONFLICT DO NOTHING;
ANALYZE api2_collections, api2_groups, api2_group_users, api2_memberships, api2_roles, api2_role_permissions, users;

SELECT ok((SELECT count(*) FROM api2_memberships) >= 190000, 'generated: about 200k memberships');

-- The plans as the service gets them: prepared, generic, as the owner inside the api functions (RLS forced), for user 1000042.
SET plan_cache_mode = force_generic_plan;
SET ROLE rolesd_owner;
SELECT set_config('rolesd.user_id', '1000042', false);
CREATE FUNCTION pg_temp.plan(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN ' || p_sql LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END $$;
CREATE FUNCTION pg_temp.no_seq_scan(p_sql text, p_name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan text := pg_temp.plan(p_sql);
BEGIN
    -- the tables that grow with a tenant; roles and their permissions are a few dozen rows per tenant
    IF plan ~ 'Seq Scan on (api2_collections|api2_memberships|api2_groups|api2_group_users|users) ' THEN
        RETURN ok(false, p_name) || E'\n' || diag(plan);
    END IF;
    RETURN ok(true, p_name);
END $$;

-- a check on a collection at depth 49: the upward walk (rd_api2_perms_of inlines into the statement)
PREPARE chk (bigint, bigint[], bigint[]) AS SELECT * FROM rd_api2_perms_of($1, $2, $3);
SELECT pg_temp.no_seq_scan($$EXECUTE chk(1000042, rd_api2_user_groups(1000042), ARRAY[1000049]::bigint[])$$,
                           'check: no sequential scan');
SELECT ok(pg_temp.plan($$EXECUTE chk(1000042, rd_api2_user_groups(1000042), ARRAY[1000049]::bigint[])$$)
              !~ 'Function Scan on rd_api2_perms_of', 'check: the function is inlined, one plan');
-- a page of 100 collections: the same statement, one call
SELECT pg_temp.no_seq_scan(format('EXECUTE chk(1000042, rd_api2_user_groups(1000042), %L::bigint[])',
                                  ARRAY(SELECT 1000000 + g * 50 + 49 FROM generate_series(0, 99) g)),
                           'a page of 100 checks (depth 50 each): no sequential scan');
-- the list page with a permission filter: the downward walk from the caller's grants, then the page
PREPARE lst (bigint, bigint[], text, int) AS
SELECT c.id, rd_api2_collection_json(c)
  FROM rd_api2_reach_of($1, $2) v JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = v.collection_id
 WHERE 'collection-read' = ANY (v.permissions) AND $3 = ANY (v.permissions)
 ORDER BY c.id LIMIT $4;
SELECT pg_temp.no_seq_scan($$EXECUTE lst(1000042, rd_api2_user_groups(1000042), 'media-play', 101)$$,
                           'list page with a permission filter: no sequential scan');
-- an Administrator's list page walks the primary key
PREPARE adm (int) AS SELECT c.id FROM api2_collections c WHERE c.tenant_id = rd_tenant() ORDER BY c.id LIMIT $1;
SELECT pg_temp.no_seq_scan($$EXECUTE adm(101)$$, 'administrator list page: no sequential scan');

-- and they run
SELECT is((SELECT count(*) FROM rd_api2_perms(1000042, ARRAY[1000049]::bigint[])), 1::bigint, 'check answers');
SELECT ok((SELECT count(*) FROM rd_api2_collections_list('{"permission":"media-play"}', 1, 100)) = 1,
              'list page answers');
RESET ROLE;

SELECT * FROM finish();
