-- Previews (migrations/functions/75_effects.sql): the pairs a change can touch, the snapshot/diff around a
-- write, paging by cursor, and api2's per-membership effects. Tree: R (root) -> S -> X, plus S2 under R.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Eff', ARRAY['eff.test'], 'Root Admin', repeat('e', 64), 'eeeee');
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
CREATE TEMP TABLE ids (k text PRIMARY KEY, v bigint);
INSERT INTO ids SELECT 'R', root_account_id FROM t;
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
           SELECT tenant_id, root_account_id, root_account_id, 'Clerk', 'AccountMembership', 'active' FROM t
           RETURNING id)
INSERT INTO ids SELECT 'Clerk', id FROM r;
INSERT INTO users (tenant_id, name) SELECT tenant_id, n FROM t, unnest(ARRAY['u_r', 'u_x', 'other']) n;
INSERT INTO ids SELECT name, id FROM users WHERE name IN ('u_r', 'u_x', 'other');
INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
SELECT (SELECT tenant_id FROM t), a.v, u.v, r.v
  FROM (VALUES ('R', 'u_r'), ('X', 'u_x')) m(acc, usr)
  JOIN ids a ON a.k = m.acc JOIN ids u ON u.k = m.usr JOIN ids r ON r.k = 'Clerk';
CREATE FUNCTION pg_temp.id(p text) RETURNS bigint LANGUAGE sql AS $$ SELECT v FROM ids WHERE k = p $$;

-- the pairs: the role's holders on the subtree only, each where their membership reaches
SELECT results_eq(
    $$ SELECT user_id, account_id FROM rd_canvas_effect_grants(pg_temp.id('Clerk'), NULL, pg_temp.id('S'), ARRAY['read_roster'], NULL) $$,
    $$ VALUES (pg_temp.id('u_r'), pg_temp.id('S')), (pg_temp.id('u_r'), pg_temp.id('X')), (pg_temp.id('u_x'), pg_temp.id('X')) $$,
    'role pairs: holders at or above, and below, on the subtree of the override');
SELECT results_eq(
    $$ SELECT user_id, account_id FROM rd_canvas_effect_grants(NULL, pg_temp.id('other'), pg_temp.id('S'), NULL, NULL) $$,
    $$ VALUES (pg_temp.id('other'), pg_temp.id('S')), (pg_temp.id('other'), pg_temp.id('X')) $$,
    'membership pairs: the user on the account and its sub-accounts');
SELECT is((SELECT count(*) FROM rd_canvas_effect_grants(pg_temp.id('Clerk'), NULL, pg_temp.id('S'), ARRAY['read_roster'],
                                                        pg_temp.id('u_r') || '.' || pg_temp.id('S'))),
          2::bigint, 'the cursor skips the pairs up to and including it');
SELECT throws_ok($$ SELECT * FROM rd_canvas_effect_grants(NULL, 1, 1, NULL, 'x.1') $$, 'RD400', NULL,
                 'an unreadable cursor is a 400');

-- snapshot, write, diff: an override at S for read_roster, self and descendants
CREATE TEMP TABLE snap AS
SELECT rd_canvas_effect_snapshot(pg_temp.id('Clerk'), NULL, pg_temp.id('S'), ARRAY['read_roster'], NULL) AS j;
INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked, applies_to_self, applies_to_descendants)
SELECT tenant_id, pg_temp.id('S'), pg_temp.id('Clerk'), 'read_roster', true, false, true, true FROM t;
SELECT is(('{' || rd_canvas_effects((SELECT j FROM snap), pg_temp.id('Clerk'), NULL, pg_temp.id('S'), ARRAY['read_roster'], NULL) || '}')::jsonb,
          json_build_object('effects', json_build_array(
              json_build_object('user_id', pg_temp.id('u_r'), 'account_id', pg_temp.id('S'), 'gained', ARRAY['read_roster'], 'lost', '{}'::text[]),
              json_build_object('user_id', pg_temp.id('u_r'), 'account_id', pg_temp.id('X'), 'gained', ARRAY['read_roster'], 'lost', '{}'::text[]),
              json_build_object('user_id', pg_temp.id('u_x'), 'account_id', pg_temp.id('X'), 'gained', ARRAY['read_roster'], 'lost', '{}'::text[])),
              'effects_next', NULL)::jsonb,
          'the diff names each user and account that gains, nothing else');
-- the diff agrees with rd_user_permissions on every pair
SELECT is((SELECT count(*) FROM rd_canvas_effect_grants(pg_temp.id('Clerk'), NULL, pg_temp.id('S'), ARRAY['read_roster'], NULL) g
            WHERE ('read_roster' = ANY (g.granted)) IS DISTINCT FROM
                  (SELECT p.granted FROM rd_user_permissions(g.user_id, g.account_id, ARRAY['read_roster']) p)),
          0::bigint, 'grants are rd_user_permissions''s');
SELECT is(rd_canvas_effects((SELECT j FROM snap), pg_temp.id('Clerk'), NULL, pg_temp.id('S2'), ARRAY['read_roster'], NULL),
          '"effects":[],"effects_next":null', 'a sibling subtree is untouched');

-- paging: a page of rd_effects_page() pairs, then the rest
INSERT INTO accounts (tenant_id, parent_account_id, root_account_id, name)
SELECT tenant_id, pg_temp.id('S'), root_account_id, 'P' || i FROM t, generate_series(1, rd_effects_page()) i;
SELECT is((SELECT count(*) FROM rd_canvas_effect_grants(NULL, pg_temp.id('other'), pg_temp.id('S'), NULL, NULL)),
          (rd_effects_page() + 1)::bigint, 'a page plus one pair to tell there is more');
SELECT ok(rd_canvas_effects('[]', pg_temp.id('Clerk'), NULL, pg_temp.id('S'), ARRAY['read_roster'], NULL)
          ~ '"effects_next":"[0-9]+\.[0-9]+"$', 'effects_next carries the cursor when pairs remain');

-- api2: every membership of the role, with the role's set gained and lost
CREATE TEMP TABLE a2 AS
SELECT (SELECT id FROM api2_roles WHERE display_name = 'Viewer') AS role,
       (SELECT id FROM api2_collections WHERE parent_id IS NULL) AS coll;
INSERT INTO api2_memberships (tenant_id, collection_id, role_id, user_id)
SELECT (SELECT tenant_id FROM t), coll, role, pg_temp.id('other') FROM a2;
SELECT is(('{' || rd_api2_role_effects((SELECT role FROM a2), ARRAY['collection-read', 'media-read'], ARRAY['collection-read'], NULL) || '}')::jsonb,
          (SELECT jsonb_build_object('effects', jsonb_build_array(jsonb_build_object(
                      'membership_id', m.id::text, 'collection_id', m.collection_id::text, 'user_id', m.user_id::text,
                      'group_id', NULL, 'gained', '[]'::jsonb, 'lost', jsonb_build_array('media-read'))),
                  'effects_next', NULL)
             FROM api2_memberships m, a2 WHERE m.role_id = a2.role),
          'api2: the memberships using the role, with what it gains and loses');
SELECT is(rd_api2_role_effects((SELECT role FROM a2), ARRAY['media-read'], ARRAY['media-read'], NULL),
          '"effects":[],"effects_next":null', 'api2: an unchanged set has no effects');
SELECT * FROM finish();
