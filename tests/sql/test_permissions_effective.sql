-- Effective permissions of a user (canvas-roles.md §3.1 with RC = the membership account, §3.3):
-- rd_user_permissions (built on 0002's rd_canvas_user_has) and rd_membership_walk (the role-level walk used by
-- explain and the superset rule), as the service role; after every scenario both must agree.
-- Tree: R (root) -> S -> X, plus S2 under R. Auditor = custom AccountMembership role on R (all off by default).
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Perm', ARRAY['perm.test'], 'Root Admin', repeat('a', 64), 'aaaaa');
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
CREATE TEMP TABLE ids (k text PRIMARY KEY, v bigint);
GRANT SELECT ON t, ids TO rolesd_app, rolesd_owner;
INSERT INTO ids SELECT 'R', root_account_id FROM t;
INSERT INTO ids SELECT 'admin', admin_user_id FROM t;
WITH s AS (INSERT INTO accounts (tenant_id, parent_account_id, root_account_id, name)
           SELECT tenant_id, root_account_id, root_account_id, 'S' FROM t RETURNING id)
INSERT INTO ids SELECT 'S', id FROM s;
WITH x AS (INSERT INTO accounts (tenant_id, parent_account_id, root_account_id, name)
           SELECT t.tenant_id, (SELECT v FROM ids WHERE k = 'S'), t.root_account_id, 'X' FROM t RETURNING id)
INSERT INTO ids SELECT 'X', id FROM x;
WITH s2 AS (INSERT INTO accounts (tenant_id, parent_account_id, root_account_id, name)
            SELECT tenant_id, root_account_id, root_account_id, 'S2' FROM t RETURNING id)
INSERT INTO ids SELECT 'S2', id FROM s2;
WITH r AS (INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
           SELECT tenant_id, root_account_id, root_account_id, 'Auditor', 'AccountMembership', 'active' FROM t
           RETURNING id)
INSERT INTO ids SELECT 'Auditor', id FROM r;
INSERT INTO ids SELECT 'AccountAdmin', id FROM roles WHERE name = 'AccountAdmin' AND workflow_state = 'built_in';
-- users: u_r / u_s / u_x Auditor at R / S / X, a_s AccountAdmin at S, two Auditor at S2 and X, nobody
INSERT INTO users (tenant_id, name) SELECT tenant_id, n FROM t, unnest(ARRAY['u_r', 'u_s', 'u_x', 'a_s', 'nobody', 'two']) n;
INSERT INTO ids SELECT name, id FROM users WHERE name IN ('u_r', 'u_s', 'u_x', 'a_s', 'nobody', 'two');
INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
SELECT (SELECT tenant_id FROM t), a.v, u.v, r.v
  FROM (VALUES ('R', 'u_r', 'Auditor'), ('S', 'u_s', 'Auditor'), ('X', 'u_x', 'Auditor'), ('S', 'a_s', 'AccountAdmin'),
               ('S2', 'two', 'Auditor'), ('X', 'two', 'Auditor')) m(acc, usr, rol)
  JOIN ids a ON a.k = m.acc JOIN ids u ON u.k = m.usr JOIN ids r ON r.k = m.rol;

CREATE FUNCTION pg_temp.id(p text) RETURNS bigint LANGUAGE sql AS $$ SELECT v FROM ids WHERE k = p $$;
CREATE FUNCTION pg_temp.has(u text, acc text, perm text) RETURNS boolean LANGUAGE sql
    AS $$ SELECT p.granted FROM rd_user_permissions(pg_temp.id(u), pg_temp.id(acc), ARRAY[perm]) p $$;
-- (user, account, permission) triples where the role-level walk and rd_canvas_user_has disagree.
CREATE FUNCTION pg_temp.disagree() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*)
      FROM users u CROSS JOIN accounts a
     CROSS JOIN unnest(ARRAY['read_reports', 'become_user', 'manage_account_settings', 'read_course_content',
                             'create_access_tokens']) p
     WHERE u.tenant_id = rd_tenant() AND a.tenant_id = rd_tenant()
       AND rd_canvas_user_has(u.id, a.id, p) IS DISTINCT FROM
           coalesce((SELECT bool_or(g.granted) FROM rd_user_memberships(u.id, a.id) m,
                            rd_membership_grants(m.role_id, m.account_id, a.id, ARRAY[p]) g), false) $$;
CREATE FUNCTION pg_temp.ovr(acc text, perm text, en boolean, lk boolean DEFAULT false, s boolean DEFAULT true,
                            d boolean DEFAULT true) RETURNS void LANGUAGE sql AS $$
    INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked, applies_to_self,
                                applies_to_descendants)
    SELECT tenant_id, pg_temp.id(acc), pg_temp.id('Auditor'), perm, en, lk, s, d FROM t
    ON CONFLICT (tenant_id, account_id, role_id, permission) DO UPDATE
       SET enabled = EXCLUDED.enabled, locked = EXCLUDED.locked, applies_to_self = EXCLUDED.applies_to_self,
           applies_to_descendants = EXCLUDED.applies_to_descendants $$;
CREATE FUNCTION pg_temp.clear() RETURNS void LANGUAGE sql AS $$ DELETE FROM role_overrides $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO rolesd_app, rolesd_owner;

-- Defaults
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('admin', 'R', 'read_reports'), 'AccountAdmin at the root: default on');
SELECT ok(pg_temp.has('admin', 'X', 'read_reports'), 'a root membership reaches grandchildren');
SELECT ok(NOT pg_temp.has('u_r', 'R', 'read_reports'), 'custom account role: default off');
SELECT ok(NOT pg_temp.has('nobody', 'R', 'read_reports'), 'no membership: nothing');
SELECT ok(NOT pg_temp.has('admin', 'R', 'no_such_permission'), 'unknown permission: false');
SELECT is((SELECT count(*) FROM rd_user_permissions(pg_temp.id('admin'), pg_temp.id('R'),
                                                    ARRAY['read_reports', 'bogus', 'read_reports'])), 2::bigint,
          'one row per distinct name asked, unknown names included');
SELECT ok((SELECT bool_and(p.granted) FROM rd_user_permissions(pg_temp.id('admin'), pg_temp.id('R'), NULL) p
            WHERE p.permission IN ('read_reports', 'become_user', 'manage_account_settings',
                                   'manage_role_overrides', 'manage_account_memberships', 'manage_user_logins')),
          'no names: every manageable permission of the root, AccountAdmin holding its defaults');
SELECT ok(NOT EXISTS (SELECT 1 FROM rd_user_permissions(pg_temp.id('admin'), pg_temp.id('R'), NULL) p
                      WHERE p.permission = 'view_notifications'),
          'a permission whose condition is off is not manageable, so not listed');
SELECT ok(NOT pg_temp.has('admin', 'R', 'view_notifications'),
          'and not held even by the AccountAdmin when asked');
SELECT ok(NOT pg_temp.has('a_s', 'R', 'read_reports'), 'a sub-account membership does not reach up');
SELECT ok(pg_temp.has('a_s', 'X', 'read_reports'), 'a sub-account membership reaches down');
SELECT ok(NOT pg_temp.has('a_s', 'S2', 'read_reports'), 'nor sideways');

-- Root-only permissions (account_only: root)
SELECT ok(pg_temp.has('admin', 'S', 'become_user'), 'root AccountAdmin holds become_user below the root');
SELECT ok(NOT pg_temp.has('a_s', 'S', 'become_user'), 'root-only: never through a sub-account membership');
SELECT ok(NOT pg_temp.has('a_s', 'X', 'become_user'), 'root-only: nor below it');
RESET ROLE;
SELECT pg_temp.ovr('S', 'become_user', true);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('u_s', 'S', 'become_user'), 'root-only: an override on the sub-account does not help');

-- Hard lock: AccountAdmin's manage_account_settings is on and locked (not available to AccountAdmin)
RESET ROLE;
INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked)
SELECT tenant_id, pg_temp.id('R'), pg_temp.id('AccountAdmin'), 'manage_account_settings', false, true FROM t;
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('admin', 'R', 'manage_account_settings'), 'unavailable to the base type: overrides ignored');
SELECT is((SELECT max(w.reason) FROM rd_membership_walk(pg_temp.id('AccountAdmin'), pg_temp.id('R'),
                                                        pg_temp.id('R'), ARRAY['manage_account_settings']) w),
          'unavailable', 'walk reason: unavailable');
SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (scenario 1)');
RESET ROLE;
SELECT pg_temp.clear();

-- Grant at R: every membership below gets it
SELECT pg_temp.ovr('R', 'read_reports', true);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('u_r', 'R', 'read_reports') AND pg_temp.has('u_r', 'X', 'read_reports'),
          'grant at R: holder at R has it at R and X');
SELECT ok(pg_temp.has('u_s', 'S', 'read_reports') AND pg_temp.has('u_x', 'X', 'read_reports'),
          'grant at R: holders at S and X have it too');
RESET ROLE;

-- Revocation attempt below a grant
SELECT pg_temp.ovr('S', 'read_reports', false);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('u_r', 'S', 'read_reports'), 'a sub-account cannot revoke a grant to an admin of a parent');
SELECT ok(pg_temp.has('u_r', 'X', 'read_reports'), '... nor for the levels below it');
SELECT ok(NOT pg_temp.has('u_s', 'S', 'read_reports'), 'the deny applies to a membership held at S');
SELECT ok(NOT pg_temp.has('u_x', 'X', 'read_reports'), '... and below S');
SELECT is((SELECT w.reason FROM rd_membership_walk(pg_temp.id('Auditor'), pg_temp.id('R'), pg_temp.id('X'),
                                                   ARRAY['read_reports']) w WHERE w.decided),
          'override', 'walk: the root override decides for the root membership');
SELECT is((SELECT array_agg(w.reached ORDER BY w.depth DESC)
             FROM rd_membership_walk(pg_temp.id('Auditor'), pg_temp.id('R'), pg_temp.id('X'),
                                     ARRAY['read_reports']) w),
          ARRAY[true, false, false], 'walk: stops at the membership account once granted');
SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (scenario 2)');
RESET ROLE;
SELECT pg_temp.clear();

-- Below the membership rows can only add
SELECT pg_temp.ovr('S', 'read_reports', true);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('u_r', 'R', 'read_reports'), 'grant at S: not at R');
SELECT ok(pg_temp.has('u_r', 'S', 'read_reports') AND pg_temp.has('u_r', 'X', 'read_reports'),
          'grant at S adds for a root holder at S and below');
SELECT is((SELECT w.reason FROM rd_membership_walk(pg_temp.id('Auditor'), pg_temp.id('R'), pg_temp.id('X'),
                                                   ARRAY['read_reports']) w WHERE w.decided),
          'override_below', 'walk: an override below the membership added it');
SELECT ok(NOT pg_temp.has('u_r', 'S2', 'read_reports'), 'not in a sibling');
SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (scenario 3)');
RESET ROLE;
SELECT pg_temp.clear();

-- applies_to
SELECT pg_temp.ovr('R', 'read_reports', true, s => false);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('u_r', 'R', 'read_reports'), 'applies_to_self=false: not on the account itself');
SELECT ok(pg_temp.has('u_r', 'S', 'read_reports'), 'applies_to_self=false: on its descendants');
SELECT ok(pg_temp.has('u_s', 'S', 'read_reports'), '... and for memberships held below');
RESET ROLE;
SELECT pg_temp.ovr('R', 'read_reports', true, d => false);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('u_r', 'R', 'read_reports'), 'applies_to_descendants=false: on the account itself');
SELECT ok(NOT pg_temp.has('u_r', 'S', 'read_reports'), 'applies_to_descendants=false: not below');
SELECT ok(NOT pg_temp.has('u_s', 'S', 'read_reports'), '... not for memberships held below either');
RESET ROLE;
SELECT pg_temp.ovr('R', 'read_reports', true, lk => true, d => false);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('u_s', 'S', 'read_reports'), 'locked self-only grant above: still not below');
SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (scenario 4)');
RESET ROLE;
SELECT pg_temp.clear();

-- Locks
SELECT pg_temp.ovr('R', 'read_reports', false, lk => true);
SELECT pg_temp.ovr('S', 'read_reports', true);
SELECT pg_temp.ovr('X', 'read_reports', true);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('u_s', 'S', 'read_reports'), 'a locked deny above beats a grant at the membership');
SELECT ok(NOT pg_temp.has('u_x', 'X', 'read_reports'), 'a locked deny two levels up too');
SELECT ok(NOT pg_temp.has('u_r', 'X', 'read_reports'), 'a locked deny at the membership: nothing below adds');
SELECT is((SELECT w.account_id FROM rd_membership_walk(pg_temp.id('Auditor'), pg_temp.id('X'), pg_temp.id('X'),
                                                       ARRAY['read_reports']) w WHERE w.decided),
          pg_temp.id('R'), 'walk: the lock decides');
SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (scenario 5)');
RESET ROLE;
SELECT pg_temp.clear();
SELECT pg_temp.ovr('S', 'read_reports', true, lk => true);
SELECT pg_temp.ovr('X', 'read_reports', false);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('u_x', 'X', 'read_reports'), 'a locked grant above cannot be denied below');
SELECT ok(pg_temp.has('u_r', 'X', 'read_reports'), 'a locked grant below a root membership adds');
SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (scenario 6)');
RESET ROLE;
SELECT pg_temp.clear();

-- Several memberships: any one suffices
SELECT pg_temp.ovr('X', 'read_reports', true);
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('two', 'X', 'read_reports'), 'two memberships: the one at X grants');
SELECT ok(NOT pg_temp.has('two', 'S2', 'read_reports'), 'the other does not');
RESET ROLE;

-- Memberships that do not count
UPDATE roles SET workflow_state = 'inactive' WHERE id = pg_temp.id('Auditor');
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(pg_temp.has('two', 'X', 'read_reports'), 'a deactivated role still confers (Canvas: holders keep it)');
RESET ROLE;
UPDATE roles SET workflow_state = 'deleted' WHERE id = pg_temp.id('Auditor');
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('two', 'X', 'read_reports'), 'a deleted role confers nothing');
RESET ROLE;
UPDATE roles SET workflow_state = 'active' WHERE id = pg_temp.id('Auditor');
UPDATE account_users SET workflow_state = 'deleted' WHERE user_id = pg_temp.id('two') AND account_id = pg_temp.id('X');
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT ok(NOT pg_temp.has('two', 'X', 'read_reports'), 'a deleted membership confers nothing');

SELECT is(pg_temp.disagree(), 0::bigint, 'walk and rd_canvas_user_has agree (memberships removed)');

-- The permissions endpoint (0014: one statement, which rd_permissions_check's named case also runs) answers
-- what rd_user_permissions says, for every user and account; duplicate, unknown and null names included.
CREATE FUNCTION pg_temp.check_disagrees() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    u record;
    a record;
    names text[] := ARRAY['read_reports', 'nope', 'become_user', NULL, 'read_reports', 'manage_account_settings'];
    n bigint := 0;
BEGIN
    FOR u IN SELECT id FROM users WHERE tenant_id = rd_tenant() LOOP
        PERFORM set_config('rolesd.user_id', u.id::text, false);
        FOR a IN SELECT id FROM accounts WHERE tenant_id = rd_tenant() LOOP
            IF rd_permissions_check(a.id::text, NULL, names)::jsonb IS DISTINCT FROM
               (SELECT jsonb_object_agg(p.permission, p.granted) FROM rd_user_permissions(u.id, a.id, names) p
                 WHERE p.permission IS NOT NULL) THEN
                n := n + 1;
            END IF;
        END LOOP;
    END LOOP;
    PERFORM set_config('rolesd.user_id', '', false);
    RETURN n;
END $$;
SELECT pg_temp.ovr('S', 'read_reports', true, false, false, true);
SELECT is(pg_temp.check_disagrees(), 0::bigint, 'permissions check = rd_user_permissions, every user and account');
SELECT is((SELECT count(*) FROM users WHERE tenant_id = rd_tenant()) * (SELECT count(*) FROM accounts
            WHERE tenant_id = rd_tenant()) >= 20, true, 'and that is many pairs');
SELECT set_config('rolesd.user_id', pg_temp.id('u_r')::text, false);
SELECT is(rd_permissions_check(pg_temp.id('X')::text, NULL, ARRAY['read_reports', 'become_user', 'read_reports']),
          '{ "read_reports" : true, "become_user" : false }', 'names once, in the order first asked');
SELECT is((SELECT body FROM rd_permissions_check_named(pg_temp.id('X')::text, NULL, '[]')),
          rd_permissions_check(pg_temp.id('X')::text, NULL, NULL), 'no names: every manageable permission');
SELECT is((SELECT body FROM rd_permissions_check_named(pg_temp.id('X')::text, NULL, NULL)),
          rd_permissions_check(pg_temp.id('X')::text, NULL, NULL), 'null names: the same');
SELECT throws_ok($$SELECT * FROM rd_permissions_check_named('424242', NULL, '["read_reports"]')$$, 'RD404', NULL,
                 'one statement: unknown account first');
SELECT set_config('rolesd.user_id', '', false);
SELECT throws_ok($$SELECT * FROM rd_permissions_check_named('self', NULL, '["read_reports"]')$$, 'RDU01', NULL,
                 'one statement: anonymous');
SELECT set_config('rolesd.user_id', pg_temp.id('u_r')::text, false);
SELECT throws_ok(format($$SELECT * FROM rd_permissions_check_named('%s', 'manage_account_settings',
                                                                   '["read_reports"]')$$, pg_temp.id('X')),
                 'RD403', NULL, 'one statement: the route permission when it names one');
SELECT set_config('rolesd.user_id', '', false);

-- RLS: another tenant's ids see nothing
SELECT set_config('rolesd.tenant_id', '999999', false);
SELECT ok(NOT pg_temp.has('admin', 'R', 'read_reports'), 'another tenant context: nothing');
RESET ROLE;

SELECT * FROM finish();
