-- Stored override states (role_states, 35_canvas_role_states.sql), read at every account through its
-- nearest anchor, equal the computed ones (rd_canvas_role_pairs) for every account and role, after random
-- override writes, updates and removals, new accounts, and random moves of accounts with their subtrees;
-- only anchors are stored; and a rebuild changes nothing.
SELECT no_plan();
\set tenant States
\ir lib/one_tenant.sql
SELECT setseed(0.61);

CREATE TEMP VIEW mismatched AS
SELECT a.id AS account_id, r.id AS role_id
  FROM accounts a CROSS JOIN roles r
 WHERE a.tenant_id = rd_tenant() AND r.tenant_id = rd_tenant()
   AND coalesce((SELECT s.pairs FROM rd_role_states_at(a.chain, r.id) s), '')
       IS DISTINCT FROM coalesce((SELECT o.pairs FROM rd_canvas_role_pairs(a.chain, r.id, r.base_role_type) o), '');
CREATE TEMP VIEW stored AS
SELECT count(*) AS n FROM role_states WHERE tenant_id = rd_tenant();
GRANT SELECT ON mismatched, stored TO rolesd_owner;

CREATE FUNCTION pg_temp.random_writes(p_n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE i int; s boolean; acct bigint; role bigint; perm text;
        perms text[] := ARRAY(SELECT name FROM canvas_permissions ORDER BY ord LIMIT 10);
BEGIN
    FOR i IN 1..p_n LOOP
        SELECT id INTO acct FROM accounts WHERE tenant_id = rd_tenant() ORDER BY random() LIMIT 1;
        SELECT id INTO role FROM roles WHERE tenant_id = rd_tenant() ORDER BY random() LIMIT 1;
        perm := perms[1 + floor(random() * cardinality(perms))::int];
        s := random() < 0.8;
        IF random() < 0.25 THEN
            DELETE FROM role_overrides WHERE tenant_id = rd_tenant() AND account_id = acct AND role_id = role
                                         AND permission = perm;
        ELSE
            INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked,
                                        applies_to_self, applies_to_descendants)
            VALUES (rd_tenant(), acct, role, perm, random() < 0.5, random() < 0.2, s, NOT s OR random() < 0.7)
            ON CONFLICT (tenant_id, account_id, role_id, permission) DO UPDATE
               SET enabled = EXCLUDED.enabled, locked = EXCLUDED.locked,
                   applies_to_self = EXCLUDED.applies_to_self, applies_to_descendants = EXCLUDED.applies_to_descendants;
        END IF;
    END LOOP;
END $$;

-- 40 accounts, 5 custom roles, 300 writes
\ir lib/random_tree.sql
SELECT pg_temp.random_accounts(40);
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'TeacherEnrollment', 'StudentEnrollment',
                                  'NoPermissions'], ARRAY[(SELECT root_account_id FROM t)]);
SELECT pg_temp.random_writes(300);
SELECT cmp_ok((SELECT n FROM stored), '>', 50::bigint, 'states are stored');
SELECT is((SELECT count(*) FROM role_states s WHERE s.tenant_id = rd_tenant()
             AND NOT EXISTS (SELECT 1 FROM role_overrides x WHERE x.tenant_id = s.tenant_id
                                AND x.account_id = s.account_id AND x.role_id = s.role_id)), 0::bigint,
          'only accounts holding an override of the role store a state');
SELECT is((SELECT n FROM stored), (SELECT count(*) FROM (SELECT DISTINCT account_id, role_id FROM role_overrides
                                                          WHERE tenant_id = rd_tenant()) d),
          'every such account does');
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after 300 random writes every stored state equals the computed one');

-- new accounts under accounts that already have overrides above them
DO $$
DECLARE i int;
BEGIN
    FOR i IN 1..20 LOOP
        INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
        SELECT rd_tenant(), 'B' || i, a.id, (SELECT root_account_id FROM t)
          FROM accounts a WHERE a.tenant_id = rd_tenant() ORDER BY random() LIMIT 1;
    END LOOP;
END $$;
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after 20 new accounts');

-- moves of accounts with their subtrees (never under themselves)
DO $$
DECLARE i int; x bigint; p bigint;
BEGIN
    FOR i IN 1..60 LOOP
        SELECT id INTO x FROM accounts WHERE tenant_id = rd_tenant() AND parent_account_id IS NOT NULL
         ORDER BY random() LIMIT 1;
        SELECT id INTO p FROM accounts WHERE tenant_id = rd_tenant() AND NOT (chain @> ARRAY[x])
         ORDER BY random() LIMIT 1;
        UPDATE accounts SET parent_account_id = p WHERE tenant_id = rd_tenant() AND id = x;
    END LOOP;
END $$;
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after 60 random moves');

SELECT pg_temp.random_writes(200);
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after 200 more writes on the moved tree');

-- flags updated in place, and every override of one role removed
UPDATE role_overrides SET locked = NOT locked WHERE tenant_id = rd_tenant() AND id % 3 = 0;
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after locks flipped in one statement');
DELETE FROM role_overrides WHERE tenant_id = rd_tenant()
   AND role_id = (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1');
SELECT is((SELECT count(*) FROM role_states WHERE tenant_id = rd_tenant()
             AND role_id = (SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'Custom 1')), 0::bigint,
          'a role without overrides has no stored state');
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after one role''s overrides are removed');

CREATE TEMP TABLE before AS SELECT * FROM role_states WHERE tenant_id = rd_tenant();
SELECT rd_role_states_rebuild();
SELECT is((SELECT count(*) FROM (SELECT * FROM before EXCEPT SELECT * FROM role_states WHERE tenant_id = rd_tenant()
                                 UNION ALL
                                 SELECT * FROM role_states WHERE tenant_id = rd_tenant() EXCEPT SELECT * FROM before) d),
          0::bigint, 'a rebuild stores the same states');
SELECT is(current_setting('rolesd.tenant_id'), (SELECT tenant_id FROM t)::text, 'a rebuild restores the tenant setting');

RESET ROLE;
SET ROLE rolesd_app;
SELECT throws_ok('SELECT count(*) FROM role_states', '42501', NULL, 'rolesd_app cannot read the stored states');
RESET ROLE;
SELECT * FROM finish();
