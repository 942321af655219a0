-- Canvas PUT's fast path to its target (rd_canvas_role_write_fast, 40_canvas_roles.sql) answers a row only
-- where the general steps of rd_canvas_roles_update (account, chain, role, authorisation, read-only state)
-- pass without a word, and then the same chain and role: for every account and role of a random tree, with
-- a caller whose base role has the permission locked on, a caller who holds it through overrides only, a
-- caller without it and no caller; and in a read-only tenant. Where it declines, the general steps give the
-- answer or the error.
SELECT no_plan();
\set tenant WriteFast
\ir lib/one_tenant.sql
SELECT setseed(0.29);

\ir lib/random_tree.sql
CREATE TEMP TABLE tree AS SELECT pg_temp.random_accounts(25) AS ids;
GRANT SELECT ON tree TO rolesd_owner;
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'TeacherEnrollment'], (SELECT ids[1:6] FROM tree)),
       pg_temp.custom_roles(ARRAY['NoPermissions'], (SELECT ids[1:6] FROM tree), 'inactive');
UPDATE roles SET workflow_state = 'deleted', deleted_at = now()
 WHERE tenant_id = rd_tenant() AND name = 'Custom 3';

-- a user holding a custom AccountMembership role at the root, with manage_role_overrides granted by an override
INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
SELECT rd_tenant(), n, n, n, lower(n), root_account_id FROM t, unnest(ARRAY['Granted', 'Plain']) n;
INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked)
SELECT rd_tenant(), root_account_id, (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active'),
       'manage_role_overrides', true, false FROM t;
INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
SELECT rd_tenant(), root_account_id, (SELECT id FROM users WHERE login_id = 'granted'),
       (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active') FROM t;

-- the general steps: the chain and role they let through, or NULL where one of them raises
CREATE FUNCTION pg_temp.general(p_ref text, p_role text, p_perm text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    chain bigint[];
    r roles;
BEGIN
    chain := rd_canvas_chain(rd_account_resolve(p_ref));
    r := rd_canvas_role_find(chain, p_role);
    PERFORM rd_canvas_require(chain, p_perm);
    PERFORM rd_canvas_writable();
    RETURN chain::text || ' ' || r.id;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;
CREATE FUNCTION pg_temp.fast(p_ref text, p_role text, p_perm text) RETURNS text LANGUAGE sql AS $$
    SELECT f.chain::text || ' ' || f.role_id FROM rd_canvas_role_write_fast(p_ref, p_role, p_perm) f $$;

CREATE TEMP VIEW compared AS
SELECT c.ref, c.role, pg_temp.fast(c.ref, c.role, 'manage_role_overrides') AS fast,
       pg_temp.general(c.ref, c.role, 'manage_role_overrides') AS general
  FROM (SELECT a.id::text AS ref, r.id::text AS role
          FROM accounts a CROSS JOIN roles r WHERE a.tenant_id = rd_tenant() AND r.tenant_id = rd_tenant()
        UNION ALL
        SELECT x.ref, r.id::text FROM roles r, unnest(ARRAY['self', ' 1', '999999999', 'sis_account_id:x']) x(ref)
         WHERE r.tenant_id = rd_tenant()
        UNION ALL
        SELECT (SELECT root_account_id FROM t)::text, x.role FROM unnest(ARRAY['AccountAdmin', '999999999', '']) x(role)) c;
GRANT SELECT ON compared TO rolesd_owner;

CREATE FUNCTION pg_temp.as_caller(p_login text) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('rolesd.user_id', coalesce((SELECT id FROM users WHERE login_id = p_login)::text, ''), false) $$;

SELECT pg_temp.as_caller('admin');
SELECT cmp_ok((SELECT count(*) FROM compared WHERE fast IS NOT NULL), '>', 150::bigint,
              'an administrator: the fast path answers the visible (account, role) pairs');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL AND fast IS DISTINCT FROM general), 0::bigint,
          'each with the chain and role of the general steps');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NULL AND general IS NOT NULL
              AND ref ~ '^[0-9]+$' AND role ~ '^[0-9]+$'), 0::bigint,
          'it declines no numeric account and role the general steps let through');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL AND ref !~ '^([0-9]+|self)$'), 0::bigint,
          'other account forms are left to the general steps');

SELECT pg_temp.as_caller('granted');
SELECT cmp_ok((SELECT count(*) FROM compared WHERE general IS NOT NULL), '>', 0::bigint,
              'a caller granted the permission by an override passes the general steps');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL), 0::bigint, 'and is left to them');

SELECT pg_temp.as_caller('plain');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL OR general IS NOT NULL), 0::bigint,
          'a caller without the permission: neither lets anything through');
SELECT pg_temp.as_caller(NULL);
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL OR general IS NOT NULL), 0::bigint,
          'no caller: neither');

SELECT pg_temp.as_caller('admin');
UPDATE tenants SET read_only = true WHERE id = rd_tenant();
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL OR general IS NOT NULL), 0::bigint,
          'a read-only tenant: neither');
UPDATE tenants SET read_only = false WHERE id = rd_tenant();

-- the write itself takes the fast path's target
SELECT is((rd_canvas_roles_update((SELECT account_id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active')::text,
                                  (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active')::text,
                                  'manage_role_overrides', NULL, NULL, '[["read_reports",1,1,-1,-1,-1,-1,[]]]'::json)
           LIKE '{"@R%'), true, 'a PUT through the fast path writes');
SELECT is((SELECT enabled FROM role_overrides o WHERE tenant_id = rd_tenant() AND permission = 'read_reports'
              AND o.account_id = (SELECT account_id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active')
              AND role_id = (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active')), true,
          'the override it wrote');
SELECT throws_ok($$SELECT rd_canvas_roles_update((SELECT account_id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active')::text,
                                  (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1' AND workflow_state = 'active')::text,
                                  'manage_role_overrides', 'bad thing', NULL, NULL)$$,
                 'RD400', 'bad thing', 'a request the C edge found bad still raises its 400 after authorisation');

RESET ROLE;
SELECT * FROM finish();
