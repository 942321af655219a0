-- The permission check's fast path (rd_permissions_check_fast, 70_permissions.sql) answers exactly what the
-- general path (rd_permissions_check_named) answers, for random users with random memberships and overrides
-- on a random tree; and it declines (NULL) every request it does not cover.
SELECT no_plan();
\set tenant Check
\ir lib/one_tenant.sql
SELECT setseed(0.29);

\ir lib/random_tree.sql
-- 30 accounts, 4 custom account roles on the root, 200 random overrides of the account roles, 8 users with
-- one to three memberships each on random accounts
CREATE TEMP TABLE tree AS SELECT pg_temp.random_accounts(30) AS ids;
GRANT SELECT ON tree TO rolesd_owner;
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'AccountMembership', 'NoPermissions'],
                            (SELECT ids[1:1] FROM tree));
SELECT pg_temp.random_overrides(200, (SELECT ids FROM tree),
                                ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant() AND base_role_type LIKE 'Account%'),
                                ARRAY(SELECT name FROM canvas_permissions ORDER BY ord LIMIT 14));
SELECT pg_temp.random_members(8, (SELECT ids FROM tree),
                              ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant() AND base_role_type LIKE 'Account%' ORDER BY id));

CREATE TEMP TABLE cases AS
SELECT u.id AS user_id, a.id AS account_id
  FROM users u CROSS JOIN accounts a
 WHERE u.tenant_id = rd_tenant() AND a.tenant_id = rd_tenant();
CREATE TEMP TABLE names AS
SELECT jsonb_agg(name ORDER BY ord DESC) || '["read_reports", null, "no_such_permission"]'::jsonb AS j
  FROM (SELECT name, ord FROM canvas_permissions ORDER BY ord LIMIT 16) p;
GRANT SELECT ON cases, names TO rolesd_owner;

CREATE FUNCTION pg_temp.compare() RETURNS TABLE (fast text, general text) LANGUAGE plpgsql AS $$
DECLARE c record;
BEGIN
    FOR c IN SELECT * FROM cases LOOP
        PERFORM set_config('rolesd.user_id', c.user_id::text, false);
        fast := (SELECT f.body FROM rd_permissions_check_fast(c.account_id::text, NULL, (SELECT j::json FROM names)) f);
        general := (SELECT g.body FROM rd_permissions_check_named(c.account_id::text, NULL, (SELECT j::json FROM names)) g);
        RETURN NEXT;
    END LOOP;
END $$;
CREATE TEMP TABLE compared AS SELECT * FROM pg_temp.compare();

SELECT is((SELECT count(*) FROM compared WHERE fast IS NULL), 0::bigint, 'the fast path answers every case');
SELECT is((SELECT count(*) FROM compared WHERE fast IS DISTINCT FROM general), 0::bigint,
          'each fast answer equals the general path''s');
SELECT cmp_ok((SELECT count(*) FROM compared WHERE fast LIKE '%true%'), '>', 20::bigint,
              'some of them grant something');
SELECT cmp_ok((SELECT count(*) FROM compared WHERE fast LIKE '%false%'), '>', 20::bigint,
              'some of them refuse something');

SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);
SELECT is((SELECT body FROM rd_permissions_check_fast('self', NULL, '["manage_account_settings"]')),
          (SELECT body FROM rd_permissions_check_named('self', NULL, '["manage_account_settings"]')), '`self` is answered, the same');
SELECT is((SELECT body FROM rd_permissions_check_fast('sis_account_id:x', NULL, '["read_reports"]')), NULL,
          'an SIS account reference is declined');
SELECT is((SELECT body FROM rd_permissions_check_fast('999999999', NULL, '["read_reports"]')), NULL,
          'an unknown account is declined');
SELECT is((SELECT body FROM rd_permissions_check_fast('self', 'manage_role_overrides', '["read_reports"]')), NULL,
          'a route permission is declined');
SELECT is((SELECT body FROM rd_permissions_check_fast('self', NULL, '[]')), NULL, 'no names is declined');
SELECT is((SELECT body FROM rd_permissions_check_fast('self', NULL, NULL)), NULL, 'absent names are declined');
SELECT is((SELECT body FROM rd_permissions_check_fast('self', NULL, '{"a": 1}')), NULL, 'names not in an array are declined');
SELECT set_config('rolesd.user_id', '', false);
SELECT is((SELECT body FROM rd_permissions_check_fast('self', NULL, '["read_reports"]')), NULL,
          'an anonymous caller is declined');

RESET ROLE;
SELECT * FROM finish();
