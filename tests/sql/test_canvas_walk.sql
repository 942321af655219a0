-- The caller's effective permission as one query (rd_canvas_user_holds and rd_canvas_walk,
-- 30_canvas_resolution.sql) answers exactly what the step-by-step walk answers — the plpgsql loop it replaced,
-- kept here as the reference — for random users with random memberships (some ended, on a deleted account, of
-- an inactive role, which still counts, or a deleted one) and random overrides (some locked) on a random tree, for root-only, site-admin-only,
-- conditional and ordinary permissions, with the tenant's conditions at their defaults and changed.
SELECT no_plan();
\set tenant Walk
\ir lib/one_tenant.sql
SELECT setseed(0.61);

\ir lib/random_tree.sql

-- The reference: the walk of §3.1 step by step, one statement per membership (rolesd before the one-query form).
CREATE FUNCTION pg_temp.step_walk(p_user bigint, p_chain bigint[], p_perm text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    perm canvas_permissions;
    m record;
    e record;
    vs boolean;
    vd boolean;
    hit boolean;
    last_x boolean;
BEGIN
    SELECT * INTO perm FROM canvas_permissions p WHERE p.name = p_perm;
    IF NOT FOUND OR perm.account_only = 'site_admin' OR p_user IS NULL THEN
        RETURN false;
    END IF;
    IF perm.conditions <> '{}' AND perm.ord = ANY (rd_canvas_hidden_ords()) THEN
        RETURN false;
    END IF;
    FOR m IN
        SELECT au.role_id, array_position(p_chain, au.account_id) - 1 AS du,
               a.parent_account_id IS NULL AS u_root, b.available, b.default_on
          FROM account_users au
          JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
          JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
          JOIN canvas_permission_bases b ON b.base_role_type = r.base_role_type AND b.ord = perm.ord
         WHERE au.tenant_id = rd_tenant() AND au.user_id = p_user AND au.workflow_state = 'active'
           AND au.account_id = ANY (p_chain) AND a.workflow_state = 'active'
           AND r.workflow_state IN ('active', 'inactive', 'built_in')
         ORDER BY NOT b.available AND b.default_on DESC, 2 DESC, au.id
    LOOP
        IF perm.account_only = 'root' AND NOT m.u_root THEN
            CONTINUE;
        END IF;
        IF NOT m.available THEN
            IF m.default_on THEN
                RETURN true;
            END IF;
            CONTINUE;
        END IF;
        vs := m.default_on;
        vd := m.default_on;
        hit := false;
        last_x := false;
        FOR e IN
            SELECT c.n - 1 AS depth, o.id IS NOT NULL AS has, o.enabled, o.locked,
                   o.applies_to_self AS s, o.applies_to_descendants AS d
              FROM unnest(p_chain) WITH ORDINALITY c(aid, n)
              LEFT JOIN role_overrides o
                     ON o.tenant_id = rd_tenant() AND o.account_id = c.aid AND o.role_id = m.role_id
                    AND o.permission = p_perm
             WHERE o.id IS NOT NULL OR c.n = 1 OR c.n - 1 = m.du
             ORDER BY c.n DESC
        LOOP
            IF e.has THEN
                vs := e.enabled AND e.s;
                vd := e.enabled AND e.d;
                last_x := e.depth = 0;
            ELSIF e.depth = 0 THEN
                IF vd AND NOT vs THEN
                    vs := true;
                ELSIF vs AND NOT vd THEN
                    vs := false;
                END IF;
            END IF;
            IF e.depth = m.du THEN
                hit := true;
            END IF;
            EXIT WHEN e.has AND e.locked;
            EXIT WHEN hit AND (vs OR vd);
        END LOOP;
        IF (last_x AND vs) OR (NOT last_x AND vd) THEN
            RETURN true;
        END IF;
    END LOOP;
    RETURN false;
END $$;

-- 40 accounts; custom roles of every account base type (one inactive); 1500 overrides of them and of the
-- built-in AccountAdmin over the permissions below, a quarter locked; 12 users with one to three memberships.
CREATE TEMP TABLE tree AS SELECT pg_temp.random_accounts(40) AS ids;
CREATE TEMP TABLE perms AS
SELECT array_agg(name ORDER BY ord) AS names
  FROM canvas_permissions
 WHERE ord <= 26 OR name IN ('read_reports', 'manage_role_overrides', 'manage_account_settings', 'manage_admin_users');
GRANT SELECT ON tree, perms TO rolesd_owner;
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'AccountMembership', 'NoPermissions'],
                            (SELECT ids[1:1] FROM tree));
SELECT pg_temp.custom_roles(ARRAY['AccountMembership'], (SELECT ids[1:1] FROM tree), 'inactive');
CREATE TEMP TABLE account_roles AS
SELECT array_agg(id ORDER BY id) AS ids FROM roles
 WHERE tenant_id = rd_tenant() AND base_role_type IN ('AccountMembership', 'AccountAdmin', 'NoPermissions')
   AND workflow_state <> 'deleted';
GRANT SELECT ON account_roles TO rolesd_owner;
SELECT pg_temp.random_overrides(1500, (SELECT ids FROM tree), (SELECT ids FROM account_roles),
                                (SELECT names FROM perms), 0.25);
SELECT pg_temp.random_members(12, (SELECT ids FROM tree), (SELECT ids FROM account_roles));
DO $$
BEGIN
    -- a role deleted (its memberships count no more; an inactive one's still do), an ended membership, and a
    -- leaf account with a membership deleted
    UPDATE roles SET workflow_state = 'deleted', deleted_at = now()
     WHERE tenant_id = rd_tenant() AND id = (SELECT max(au.role_id) FROM account_users au
                                               JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
                                              WHERE au.tenant_id = rd_tenant() AND r.workflow_state = 'active');
    UPDATE account_users SET workflow_state = 'deleted'
     WHERE tenant_id = rd_tenant() AND id = (SELECT min(id) FROM account_users WHERE tenant_id = rd_tenant() AND user_id > 1);
    UPDATE accounts SET workflow_state = 'deleted'
     WHERE tenant_id = rd_tenant() AND id = (SELECT max(au.account_id) FROM account_users au
                                               WHERE au.tenant_id = rd_tenant() AND au.account_id <> ALL (
                                                     SELECT parent_account_id FROM accounts
                                                      WHERE tenant_id = rd_tenant() AND parent_account_id IS NOT NULL));
END $$;

CREATE FUNCTION pg_temp.compare() RETURNS TABLE (user_id bigint, account_id bigint, perm text, one boolean, steps boolean)
    LANGUAGE plpgsql AS $$
DECLARE c record;
BEGIN
    FOR c IN SELECT u.id AS uid, a.chain, p.name
               FROM users u CROSS JOIN accounts a CROSS JOIN unnest((SELECT names FROM perms)) p(name)
              WHERE u.tenant_id = rd_tenant() AND a.tenant_id = rd_tenant() LOOP
        user_id := c.uid; account_id := c.chain[1]; perm := c.name;
        one := rd_canvas_user_has_on(c.uid, c.chain, c.name);
        steps := pg_temp.step_walk(c.uid, c.chain, c.name);
        RETURN NEXT;
    END LOOP;
END $$;

CREATE TEMP TABLE defaults AS SELECT * FROM pg_temp.compare();
SELECT is((SELECT count(*) FROM defaults WHERE one IS DISTINCT FROM steps), 0::bigint,
          'one query answers what the step-by-step walk answers, every user, account and permission');
SELECT cmp_ok((SELECT count(*) FROM defaults WHERE one), '>', 500::bigint, 'many of them are granted');
SELECT cmp_ok((SELECT count(*) FROM defaults WHERE NOT one), '>', 500::bigint, 'many of them are refused');
SELECT cmp_ok((SELECT count(*) FROM (SELECT 1 FROM defaults GROUP BY user_id, perm HAVING bool_or(one) AND NOT bool_and(one)) x),
              '>', 20::bigint,
              'the same user and permission is granted on some accounts and refused on others');
SELECT ok(EXISTS (SELECT 1 FROM defaults d JOIN canvas_permissions p ON p.name = d.perm
                   WHERE p.account_only = 'root' AND d.one)
          AND EXISTS (SELECT 1 FROM defaults d JOIN canvas_permissions p ON p.name = d.perm
                       WHERE p.account_only = 'root' AND NOT d.one), 'root-only permissions are both granted and refused');

-- conditions changed: two conditional permissions become hidden, one hidden by default shows
CREATE TEMP TABLE hidden_before AS SELECT rd_canvas_hidden_ords() AS ords;
GRANT SELECT ON hidden_before TO rolesd_owner;
UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'), '{canvas_conditions}',
                                        '{"admin_manage_access_tokens": false, "catalog_enabled": true, "course_archival": true}')
 WHERE id = rd_tenant();
SELECT isnt(rd_canvas_hidden_ords(), (SELECT ords FROM hidden_before), 'the tenant hides other permissions');
CREATE TEMP TABLE changed AS SELECT * FROM pg_temp.compare();
SELECT is((SELECT count(*) FROM changed WHERE one IS DISTINCT FROM steps), 0::bigint,
          'the same with the tenant''s conditions changed');
SELECT ok(EXISTS (SELECT 1 FROM changed c JOIN defaults d USING (user_id, account_id, perm) WHERE c.one <> d.one),
          'and the conditions change some answers');

SELECT * FROM finish();
