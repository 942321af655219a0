-- GET role's fast path (rd_canvas_role_get_fast, 30_canvas_resolution.sql) answers exactly what the general
-- path (rd_canvas_roles_show) answers, for every account and role of a random tree with random overrides and
-- locks, with and without tenant conditions; and it declines (NULL) every request it does not cover, so that
-- the general path gives those their answer or error.
SELECT no_plan();
\set tenant Fast
\ir lib/one_tenant.sql
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);
SELECT setseed(0.17);

\ir lib/random_tree.sql
-- 40 accounts, each under a random earlier one; 6 custom roles on random accounts near the root (the last
-- inactive); 300 random overrides of every role
CREATE TEMP TABLE tree AS SELECT pg_temp.random_accounts(40) AS ids;
GRANT SELECT ON tree TO rolesd_owner;
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'TeacherEnrollment', 'StudentEnrollment',
                                  'TaEnrollment'], (SELECT ids[1:8] FROM tree)),
       pg_temp.custom_roles(ARRAY['NoPermissions'], (SELECT ids[1:8] FROM tree), 'inactive');
SELECT pg_temp.random_overrides(300, (SELECT ids FROM tree), ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant()),
                                ARRAY(SELECT name FROM canvas_permissions WHERE account_only <> 'site_admin'
                                       ORDER BY ord LIMIT 12));

CREATE TEMP TABLE cases AS
SELECT a.id AS account_id, r.id AS role_id
  FROM accounts a CROSS JOIN roles r
 WHERE a.tenant_id = rd_tenant() AND r.tenant_id = rd_tenant();
GRANT SELECT ON cases TO rolesd_owner;

CREATE TEMP VIEW compared AS
SELECT c.account_id, c.role_id, f.body AS fast,
       CASE WHEN f.body IS NOT NULL THEN rd_canvas_roles_show(c.account_id::text, c.role_id::text, 'manage_role_overrides') END AS general
  FROM cases c
  CROSS JOIN LATERAL (SELECT x.body FROM rd_canvas_role_get_fast(c.account_id::text, c.role_id::text, 'manage_role_overrides') x) f;

SELECT cmp_ok((SELECT count(*) FROM compared WHERE fast IS NOT NULL), '>', 200::bigint,
              'the fast path answers the visible (account, role) pairs of the tree');
SELECT is((SELECT count(*) FROM compared WHERE fast IS DISTINCT FROM general AND fast IS NOT NULL), 0::bigint,
          'each fast answer equals the general path''s, byte for byte');
SELECT is((SELECT count(*) FROM compared c
            WHERE c.fast IS NULL
              AND EXISTS (SELECT 1 FROM roles r WHERE r.id = c.role_id AND r.workflow_state IN ('active', 'inactive')
                             AND r.account_id = ANY ((SELECT chain FROM accounts WHERE id = c.account_id)::bigint[]))),
          0::bigint, 'it declines no role defined in the account''s chain');
SELECT is((SELECT count(*) FROM compared c JOIN roles r ON r.id = c.role_id
            WHERE c.fast IS NOT NULL AND r.workflow_state <> 'built_in'
              AND NOT r.account_id = ANY ((SELECT chain FROM accounts WHERE id = c.account_id)::bigint[])),
          0::bigint, 'it answers no custom role defined outside the account''s chain');

-- with tenant conditions set, the hidden permissions are part of the answer
UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'), '{canvas_conditions}',
                                        (SELECT jsonb_object_agg(name, NOT default_on) FROM canvas_conditions))
 WHERE id = rd_tenant();
SELECT is((SELECT count(*) FROM compared WHERE fast IS DISTINCT FROM general AND fast IS NOT NULL), 0::bigint,
          'with every condition flipped, each fast answer still equals the general path''s');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NULL AND account_id = (SELECT root_account_id FROM t)
             AND role_id IN (SELECT id FROM roles WHERE workflow_state = 'built_in')), 0::bigint,
          'built-in roles are answered at the root');

-- the forms and callers it leaves to the general path
SELECT is((SELECT body FROM rd_canvas_role_get_fast('self', (SELECT min(id) FROM roles WHERE workflow_state = 'built_in')::text,
                                                    'manage_role_overrides')),
          rd_canvas_roles_show('self', (SELECT min(id) FROM roles WHERE workflow_state = 'built_in')::text, 'manage_role_overrides'),
          '`self` is answered, the same');
SELECT is((SELECT body FROM rd_canvas_role_get_fast('sis_account_id:x', '1', 'manage_role_overrides')), NULL,
          'an SIS account reference is declined');
SELECT is((SELECT body FROM rd_canvas_role_get_fast((SELECT root_account_id FROM t)::text, 'AccountAdmin', 'manage_role_overrides')), NULL,
          'a role named, not numbered, is declined');
SELECT is((SELECT body FROM rd_canvas_role_get_fast('999999999', '1', 'manage_role_overrides')), NULL,
          'an unknown account is declined');
SELECT is((SELECT body FROM rd_canvas_role_get_fast((SELECT root_account_id FROM t)::text, '999999999', 'manage_role_overrides')), NULL,
          'an unknown role is declined');
SELECT set_config('rolesd.user_id', '', false);
SELECT is((SELECT body FROM rd_canvas_role_get_fast((SELECT root_account_id FROM t)::text,
                                                    (SELECT min(id) FROM roles)::text, 'manage_role_overrides')), NULL,
          'an anonymous caller is declined');
INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
SELECT rd_tenant(), 'Plain', 'Plain', 'Plain', 'plain', root_account_id FROM t;
SELECT set_config('rolesd.user_id', (SELECT id FROM users WHERE login_id = 'plain')::text, false);
SELECT is((SELECT body FROM rd_canvas_role_get_fast((SELECT root_account_id FROM t)::text,
                                                    (SELECT min(id) FROM roles)::text, 'manage_role_overrides')), NULL,
          'a caller without the permission locked on is declined');
SELECT is((SELECT body FROM rd_canvas_role_get_fast((SELECT root_account_id FROM t)::text,
                                                    (SELECT min(id) FROM roles)::text, NULL)) IS NOT NULL, true,
          'a route without a permission needs only a caller');

RESET ROLE;
SELECT * FROM finish();
