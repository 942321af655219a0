-- Each admin membership carries what authorization reads of its role and account (account_users.role_type,
-- live, at_root: 0027, kept by the triggers of 60_admins.sql). After random writes of memberships, roles and
-- accounts — states flipped, roles and accounts of memberships changed, accounts moved, the columns written
-- by hand — every membership's stored facts equal the ones computed from its role and account, and the
-- audit trail records none of the copies.
SELECT no_plan();
\set tenant Facts
\ir lib/one_tenant.sql
SELECT setseed(0.47);

\ir lib/random_tree.sql
CREATE TEMP TABLE tree AS SELECT pg_temp.random_accounts(25) AS ids;
GRANT SELECT ON tree TO rolesd_owner;
SELECT pg_temp.custom_roles(ARRAY['AccountMembership', 'AccountAdmin', 'AccountMembership', 'NoPermissions',
                                  'AccountMembership', 'AccountAdmin'], (SELECT ids FROM tree));

CREATE FUNCTION pg_temp.pick(p bigint[]) RETURNS bigint LANGUAGE sql AS $$
    SELECT p[1 + floor(random() * cardinality(p))::int] $$;
CREATE FUNCTION pg_temp.wrong() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM account_users au
      JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
      JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
     WHERE au.tenant_id = rd_tenant()
       AND (au.role_type IS DISTINCT FROM r.base_role_type
            OR au.live IS DISTINCT FROM (au.workflow_state = 'active' AND a.workflow_state = 'active'
                                         AND r.workflow_state IN ('active', 'inactive', 'built_in'))
            OR au.at_root IS DISTINCT FROM (a.parent_account_id IS NULL)) $$;

-- 10 users with one to three memberships of random account roles on random accounts
SELECT pg_temp.random_members(10, (SELECT ids FROM tree),
                              ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant() AND base_role_type IN
                                    ('AccountAdmin', 'AccountMembership', 'NoPermissions')));
SELECT is(pg_temp.wrong(), 0::bigint, 'new memberships carry their role''s and account''s facts');
SELECT cmp_ok((SELECT count(*) FROM account_users WHERE tenant_id = rd_tenant()), '>', 15::bigint, 'of many memberships');

-- one live membership of a custom role on a sub-account, its account and role changed one at a time
CREATE TEMP TABLE m AS
SELECT au.id, au.account_id, au.role_id, a.parent_account_id
  FROM account_users au JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
  JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
 WHERE au.tenant_id = rd_tenant() AND au.live AND NOT au.at_root AND r.workflow_state = 'active'
 ORDER BY au.id LIMIT 1;
GRANT SELECT ON m TO rolesd_owner;
CREATE FUNCTION pg_temp.m_facts() RETURNS text LANGUAGE sql AS $$
    SELECT au.live || '/' || au.at_root FROM account_users au WHERE au.id = (SELECT id FROM m) $$;
SELECT is(pg_temp.m_facts(), 'true/false', 'a live membership below the root');
UPDATE accounts SET workflow_state = 'deleted' WHERE tenant_id = rd_tenant() AND id = (SELECT account_id FROM m);
SELECT is(pg_temp.m_facts(), 'false/false', 'its account deleted: not live');
UPDATE accounts SET workflow_state = 'active' WHERE tenant_id = rd_tenant() AND id = (SELECT account_id FROM m);
SELECT is(pg_temp.m_facts(), 'true/false', 'the account back: live again');
UPDATE roles SET workflow_state = 'inactive' WHERE tenant_id = rd_tenant() AND id = (SELECT role_id FROM m);
SELECT is(pg_temp.m_facts(), 'true/false', 'its role deactivated: still live (Canvas: holders keep its permissions)');
UPDATE roles SET workflow_state = 'deleted' WHERE tenant_id = rd_tenant() AND id = (SELECT role_id FROM m);
SELECT is(pg_temp.m_facts(), 'false/false', 'its role deleted: not live');
UPDATE roles SET workflow_state = 'active' WHERE tenant_id = rd_tenant() AND id = (SELECT role_id FROM m);
SELECT is(pg_temp.m_facts(), 'true/false', 'the role active again: live again');
UPDATE accounts SET parent_account_id = NULL, root_account_id = NULL
 WHERE tenant_id = rd_tenant() AND id = (SELECT account_id FROM m);
SELECT is(pg_temp.m_facts(), 'true/true', 'its account made a root: at the root');
UPDATE accounts SET parent_account_id = (SELECT parent_account_id FROM m), root_account_id = (SELECT root_account_id FROM t)
 WHERE tenant_id = rd_tenant() AND id = (SELECT account_id FROM m);
SELECT is(pg_temp.m_facts(), 'true/false', 'moved back below: not at the root');
SELECT is(pg_temp.wrong(), 0::bigint, 'and every other membership is right too');

CREATE TEMP TABLE audit_before AS SELECT count(*) AS n FROM audit_events;
GRANT SELECT ON audit_before TO rolesd_owner;

-- 400 random writes
CREATE FUNCTION pg_temp.churn(p_n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE ids bigint[] := (SELECT x.ids FROM tree x);
        rs bigint[] := ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant() AND workflow_state <> 'built_in');
        all_rs bigint[] := ARRAY(SELECT id FROM roles WHERE tenant_id = rd_tenant() AND base_role_type IN
                                 ('AccountAdmin', 'AccountMembership', 'NoPermissions'));
        ms bigint[] := ARRAY(SELECT id FROM account_users WHERE tenant_id = rd_tenant());
        k float;
BEGIN
    FOR i IN 1..p_n LOOP
        k := random();
        BEGIN
            IF k < 0.15 THEN
                UPDATE roles SET workflow_state = (ARRAY['active', 'inactive', 'deleted'])[1 + floor(random() * 3)::int]
                 WHERE tenant_id = rd_tenant() AND id = pg_temp.pick(rs);
            ELSIF k < 0.30 THEN
                UPDATE accounts SET workflow_state = (ARRAY['active', 'deleted'])[1 + floor(random() * 2)::int]
                 WHERE tenant_id = rd_tenant() AND id = pg_temp.pick(ids[2:]);
            ELSIF k < 0.40 THEN
                -- a move under an account that is not below it
                UPDATE accounts a SET parent_account_id = (SELECT p.id FROM accounts p
                                                            WHERE p.tenant_id = rd_tenant() AND NOT a.id = ANY (p.chain)
                                                            ORDER BY random() LIMIT 1)
                 WHERE a.tenant_id = rd_tenant() AND a.id = pg_temp.pick(ids[2:]);
            ELSIF k < 0.60 THEN
                UPDATE account_users SET workflow_state = (ARRAY['active', 'deleted'])[1 + floor(random() * 2)::int]
                 WHERE tenant_id = rd_tenant() AND id = pg_temp.pick(ms);
            ELSIF k < 0.75 THEN
                UPDATE account_users SET role_id = pg_temp.pick(all_rs) WHERE tenant_id = rd_tenant() AND id = pg_temp.pick(ms);
            ELSIF k < 0.85 THEN
                UPDATE account_users SET account_id = pg_temp.pick(ids) WHERE tenant_id = rd_tenant() AND id = pg_temp.pick(ms);
            ELSE
                UPDATE account_users SET live = random() < 0.5, at_root = random() < 0.5, role_type = 'AccountAdmin'
                 WHERE tenant_id = rd_tenant() AND id = pg_temp.pick(ms);
            END IF;
        EXCEPTION WHEN unique_violation THEN
            NULL;  -- a duplicate active membership: refused, changes nothing
        END;
    END LOOP;
END $$;
SELECT pg_temp.churn(400);
SELECT is(pg_temp.wrong(), 0::bigint, 'after 400 random writes every membership''s facts equal the computed ones');
SELECT ok((SELECT count(DISTINCT live) = 2 AND count(DISTINCT at_root) = 2 FROM account_users
            WHERE tenant_id = rd_tenant()), 'both live and dead memberships, at the root and below');
SELECT ok((SELECT count(*) FROM audit_events) > (SELECT n FROM audit_before), 'the writes themselves are audited');
SELECT is((SELECT count(*) FROM audit_events WHERE entity = 'admin' AND before IS NOT NULL AND after IS NOT NULL
             AND before - 'workflow_state' - 'role_id' - 'account_id' - 'updated_at'
                 = after - 'workflow_state' - 'role_id' - 'account_id' - 'updated_at'
             AND before ->> 'workflow_state' = after ->> 'workflow_state'
             AND before ->> 'role_id' = after ->> 'role_id' AND before ->> 'account_id' = after ->> 'account_id'),
          0::bigint, 'no membership event records only a copied fact');
SELECT is((SELECT count(*) FROM audit_events WHERE entity = 'admin'
             AND (after ? 'live' OR before ? 'live' OR after ? 'role_type' OR after ? 'at_root')), 0::bigint,
          'the derived columns never enter the trail');

SELECT * FROM finish();
