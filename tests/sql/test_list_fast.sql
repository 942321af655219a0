-- The role list's fast path (rd_canvas_roles_list_fast, 40_canvas_roles.sql) answers exactly what the general
-- path (rd_canvas_roles_list) answers — the account, the total and the page, byte for byte — for every
-- account of a random tree with custom roles in every state, every combination of the state and inheritance
-- filters and several pages and page sizes; and it declines (no row) every request it does not cover, so that
-- the general path gives those their answer or error.
SELECT no_plan();
\set tenant List
\ir lib/one_tenant.sql
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);
SELECT setseed(0.83);

\ir lib/random_tree.sql
-- 20 accounts; custom roles on random accounts: 8 active, 3 inactive, 2 deleted; 120 random overrides
CREATE TEMP TABLE tree AS SELECT pg_temp.random_accounts(20) AS ids;
GRANT SELECT ON tree TO rolesd_owner;
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'TeacherEnrollment', 'StudentEnrollment',
                                  'TaEnrollment', 'AccountMembership', 'DesignerEnrollment', 'ObserverEnrollment'],
                            (SELECT ids FROM tree)),
       pg_temp.custom_roles(ARRAY['NoPermissions', 'AccountMembership', 'TeacherEnrollment'], (SELECT ids FROM tree), 'inactive'),
       pg_temp.custom_roles(ARRAY['AccountAdmin', 'StudentEnrollment'], (SELECT ids FROM tree), 'deleted');
SELECT pg_temp.random_overrides(120, (SELECT ids FROM tree), ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant()),
                                ARRAY(SELECT name FROM canvas_permissions WHERE account_only <> 'site_admin'
                                       ORDER BY ord LIMIT 12));

CREATE TEMP TABLE cases AS
SELECT a.id AS account_id, f.act, f.inact, f.inh, pg.page, pg.per
  FROM accounts a
 CROSS JOIN (VALUES (false, false, false), (false, false, true), (true, false, true), (false, true, true),
                    (true, true, false), (true, true, true), (NULL::boolean, NULL::boolean, NULL::boolean)) f(act, inact, inh)
 CROSS JOIN (VALUES (1::bigint, 10), (1, NULL::int), (2, 3), (3, 3), (1, 1), (9, 2), (1, 500), (2, 0),
                    (9223372036854775807, 100)) pg(page, per)
 WHERE a.tenant_id = rd_tenant();
GRANT SELECT ON cases TO rolesd_owner;

CREATE TEMP VIEW compared AS
SELECT c.*, f.account_id || '|' || f.total || '|' || f.body AS fast,
       (SELECT g.account_id || '|' || g.total || '|' || g.body
          FROM rd_canvas_roles_list(c.account_id::text, 'manage_role_overrides', NULL, c.act, c.inact, c.inh, c.page, c.per) g) AS general
  FROM cases c
  LEFT JOIN LATERAL rd_canvas_roles_list_fast(c.account_id::text, 'manage_role_overrides', NULL, c.act, c.inact, c.inh,
                                              c.page, c.per) f ON true;

CREATE TEMP TABLE results AS SELECT * FROM compared;
SELECT is((SELECT count(*) FROM results WHERE fast IS NULL), 0::bigint, 'the fast path answers every case');
SELECT is((SELECT count(*) FROM results WHERE fast IS DISTINCT FROM general), 0::bigint,
          'each fast answer equals the general path''s: account, total and page, byte for byte');
SELECT cmp_ok((SELECT count(DISTINCT split_part(fast, '|', 2)) FROM results), '>', 4::bigint, 'totals vary');
SELECT ok(EXISTS (SELECT 1 FROM results WHERE fast LIKE '%|[]') AND EXISTS (SELECT 1 FROM results WHERE fast LIKE '%|[{%'),
          'empty pages and pages with roles both occur');
SELECT is((SELECT count(*) FROM results WHERE page = 9223372036854775807 AND fast NOT LIKE '%|[]'), 0::bigint,
          'the largest page number is an empty page, not an overflow');

-- with tenant conditions set, the hidden permissions are part of the answer
UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'), '{canvas_conditions}',
                                        (SELECT jsonb_object_agg(name, NOT default_on) FROM canvas_conditions))
 WHERE id = rd_tenant();
SELECT is((SELECT count(*) FROM compared WHERE page = 1 AND fast IS DISTINCT FROM general), 0::bigint,
          'with every condition flipped, the first pages still equal the general path''s');

-- the forms and callers it leaves to the general path
SELECT is((SELECT f.account_id || '|' || f.total || '|' || f.body
             FROM rd_canvas_roles_list_fast('self', 'manage_role_overrides', NULL, false, false, true, 1, 10) f),
          (SELECT g.account_id || '|' || g.total || '|' || g.body
             FROM rd_canvas_roles_list('self', 'manage_role_overrides', NULL, false, false, true, 1, 10) g),
          '`self` is answered, the same');
CREATE FUNCTION pg_temp.declined(p_ref text, p_perm text, p_bad text, p_page bigint) RETURNS boolean LANGUAGE sql AS $$
    SELECT NOT EXISTS (SELECT 1 FROM rd_canvas_roles_list_fast(p_ref, p_perm, p_bad, false, false, true, p_page, 10)) $$;
SELECT ok(pg_temp.declined('sis_account_id:x', 'manage_role_overrides', NULL, 1), 'an SIS account reference is declined');
SELECT ok(pg_temp.declined('999999999', 'manage_role_overrides', NULL, 1), 'an unknown account is declined');
SELECT ok(pg_temp.declined('self', 'manage_role_overrides', 'bad parameter', 1), 'a bad parameter is declined');
SELECT ok(pg_temp.declined('self', 'manage_role_overrides', NULL, 0), 'page 0 is declined');
SELECT ok(pg_temp.declined('self', 'manage_role_overrides', NULL, NULL), 'no page is declined');
SELECT set_config('rolesd.user_id', '', false);
SELECT ok(pg_temp.declined('self', 'manage_role_overrides', NULL, 1), 'an anonymous caller is declined');
INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
SELECT rd_tenant(), 'Plain', 'Plain', 'Plain', 'plain', root_account_id FROM t;
SELECT set_config('rolesd.user_id', (SELECT id FROM users WHERE login_id = 'plain')::text, false);
SELECT ok(pg_temp.declined('self', 'manage_role_overrides', NULL, 1), 'a caller without the permission locked on is declined');
SELECT ok(NOT pg_temp.declined('self', NULL, NULL, 1), 'a route without a permission needs only a caller');

RESET ROLE;
SELECT * FROM finish();
