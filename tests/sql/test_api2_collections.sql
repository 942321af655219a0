-- api2 collections: the seed, RLS, and effective permissions (api2-collections.md §2) — direct, group, Public,
-- Registered Users, inheritance on and off at several levels, toggling, moves, deletes, forged cycles — with
-- the upward walk (rd_api2_perms_of) and the downward one (rd_api2_reach_of) agreeing everywhere.
SELECT no_plan();
SET statement_timeout = '10s'; -- a walk that loops on a cycle fails the file instead of hanging it
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Alpha', ARRAY['alpha.test'], 'Alice', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Beta', ARRAY['beta.test'], 'Bob', repeat('b', 64), 'bbbbb');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;

-- Seed: My Site (not inheriting, no memberships) and the two built-in groups, per tenant
SELECT is((SELECT count(*) FROM api2_collections c WHERE c.tenant_id = t.tenant_id AND c.parent_id IS NULL
                  AND c.display_name = 'My Site' AND NOT c.inherit_memberships), 1::bigint,
              'tenant ' || t.tenant_id || ' has My Site, not inheriting') FROM t ORDER BY t.tenant_id;
SELECT is(ARRAY(SELECT g.display_name || ':' || g.builtin FROM api2_groups g WHERE g.tenant_id = t.tenant_id
                     ORDER BY g.id), '{Public:public,"Registered Users:registered"}'::text[],
              'tenant ' || t.tenant_id || ' has Public and Registered Users') FROM t ORDER BY t.tenant_id;
SELECT is((SELECT count(*) FROM api2_memberships), 0::bigint, 'no memberships to start with');
SELECT rd_api2_collections_seed(tenant_id) FROM t;
SELECT is((SELECT count(*) FROM api2_collections), 2::bigint, 'seeding again adds nothing');
SELECT throws_ok($$INSERT INTO api2_collections (tenant_id, slug, display_name)
                    SELECT min(tenant_id), 'second-top', 'Second' FROM t$$, '23505', NULL, 'one top-level collection per tenant');

-- The tree of tenant A:  My Site (no inherit) > A > B > C (no inherit) > D;  My Site > X > Y (forged cycle later)
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
CREATE TEMP TABLE ids (name text PRIMARY KEY, id bigint);
GRANT SELECT ON ids TO rolesd_app, rolesd_owner;
INSERT INTO ids SELECT 'site', id FROM api2_collections WHERE tenant_id = rd_tenant();
INSERT INTO users (tenant_id, name, login_id) VALUES (rd_tenant(), 'Carol', 'carol'), (rd_tenant(), 'Dave', 'dave');
INSERT INTO ids SELECT login_id, id FROM users WHERE tenant_id = rd_tenant() AND login_id IN ('carol', 'dave');
INSERT INTO ids SELECT 'alice', admin_user_id FROM t WHERE tenant_id = rd_tenant();
CREATE FUNCTION pg_temp.coll(p_name text, p_parent text, p_inherit boolean) RETURNS void LANGUAGE sql AS $$
    WITH c AS (INSERT INTO api2_collections (tenant_id, parent_id, slug, display_name, inherit_memberships)
               SELECT rd_tenant(), (SELECT id FROM ids WHERE name = p_parent), lower(p_name), p_name, p_inherit
               RETURNING id)
    INSERT INTO ids SELECT p_name, id FROM c $$;
SELECT pg_temp.coll('A', 'site', true), pg_temp.coll('B', 'A', true), pg_temp.coll('C', 'B', false),
       pg_temp.coll('D', 'C', true), pg_temp.coll('X', 'site', true), pg_temp.coll('Y', 'X', true);
INSERT INTO api2_groups (tenant_id, display_name) VALUES (rd_tenant(), 'Staff');
INSERT INTO ids SELECT 'staff', id FROM api2_groups WHERE tenant_id = rd_tenant() AND display_name = 'Staff';
INSERT INTO ids SELECT 'public', id FROM api2_groups WHERE tenant_id = rd_tenant() AND builtin = 'public';
INSERT INTO ids SELECT 'registered', id FROM api2_groups WHERE tenant_id = rd_tenant() AND builtin = 'registered';
INSERT INTO api2_group_users (tenant_id, group_id, user_id)
SELECT rd_tenant(), (SELECT id FROM ids WHERE name = 'staff'), (SELECT id FROM ids WHERE name = 'dave');
INSERT INTO api2_roles (tenant_id, display_name) VALUES (rd_tenant(), 'Reader');
INSERT INTO api2_role_permissions (tenant_id, role_id, permission)
SELECT rd_tenant(), id, 'collection-read' FROM api2_roles WHERE tenant_id = rd_tenant() AND display_name = 'Reader';
INSERT INTO ids SELECT lower(display_name), id FROM api2_roles
 WHERE tenant_id = rd_tenant() AND display_name IN ('Reader', 'Viewer', 'Contributor', 'Manager');
CREATE FUNCTION pg_temp.grant_(p_coll text, p_principal text, p_role text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO api2_memberships (tenant_id, collection_id, role_id, user_id, group_id)
    SELECT rd_tenant(), (SELECT id FROM ids WHERE name = p_coll), (SELECT id FROM ids WHERE name = p_role),
           CASE WHEN p_principal IN ('carol', 'dave') THEN (SELECT id FROM ids WHERE name = p_principal) END,
           CASE WHEN p_principal NOT IN ('carol', 'dave') THEN (SELECT id FROM ids WHERE name = p_principal) END $$;
SELECT pg_temp.grant_('A', 'carol', 'viewer'), pg_temp.grant_('B', 'public', 'reader'),
       pg_temp.grant_('C', 'registered', 'contributor'), pg_temp.grant_('D', 'staff', 'manager');
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO rolesd_app, rolesd_owner;

-- perms(user, collection) through the upward walk, as the service role
SET ROLE rolesd_owner;
CREATE FUNCTION pg_temp.p(p_user text, p_coll text) RETURNS text[] LANGUAGE sql AS $$
    SELECT p.permissions FROM rd_api2_perms((SELECT id FROM ids WHERE name = p_user),
                                            ARRAY[(SELECT id FROM ids WHERE name = p_coll)]) p $$;
SELECT is((SELECT count(*) FROM api2_collections), 7::bigint, 'RLS: tenant A sees its 7 collections only');
SELECT is(pg_temp.p('carol', 'site'), '{}'::text[], 'My Site: nothing for a plain user');
SELECT is(pg_temp.p('alice', 'site'), ARRAY(SELECT name FROM api2_permissions ORDER BY name),
              'Administrator users hold every permission');
SELECT is(pg_temp.p('carol', 'A'), '{collection-read,comment-read,media-play,media-read}'::text[],
              'direct membership: the role''s permissions');
SELECT is(pg_temp.p('carol', 'B'), '{collection-read,comment-read,media-play,media-read}'::text[],
              'inherited from the parent, united with Public''s');
SELECT is(pg_temp.p(NULL, 'B'), '{collection-read}'::text[], 'anonymous: Public only');
SELECT is(pg_temp.p(NULL, 'A'), '{}'::text[], 'anonymous: nothing where Public has nothing');
SELECT is(pg_temp.p('carol', 'C'), '{collection-read,comment-create,comment-read,media-create,media-download,media-like,media-play,media-read}'::text[],
              'not inheriting: only its own (Registered Users)');
SELECT is(pg_temp.p(NULL, 'C'), '{}'::text[], 'Registered Users excludes anonymous callers');
SELECT is(pg_temp.p('carol', 'D'), pg_temp.p('carol', 'C'), 'below the cut, inheritance resumes');
SELECT is(pg_temp.p('dave', 'D'), ARRAY(SELECT name FROM api2_permissions ORDER BY name),
              'group membership: Staff''s Manager');
SELECT is(pg_temp.p('dave', 'A'), '{}'::text[], 'a group membership does not flow upwards');
SELECT is((SELECT count(*) FROM rd_api2_perms((SELECT id FROM ids WHERE name = 'carol'),
                                                  ARRAY(SELECT id FROM ids WHERE name IN ('A', 'B', 'C', 'D'))
                                                  || 999999::bigint)), 4::bigint,
              'one call for a set of collections; unknown ids give no row');

-- toggling inherit_memberships on C: inherited memberships come back, nothing copied or deleted
RESET ROLE;
UPDATE api2_collections SET inherit_memberships = true WHERE id = (SELECT id FROM ids WHERE name = 'C');
SET ROLE rolesd_owner;
SELECT is(pg_temp.p(NULL, 'C'), '{collection-read}'::text[], 'inheritance on: Public''s Reader reaches C');
SELECT is(pg_temp.p('carol', 'D'), '{collection-read,comment-create,comment-read,media-create,media-download,media-like,media-play,media-read}'::text[],
              'inheritance on: union of own and inherited, at two levels');
RESET ROLE;
UPDATE api2_collections SET inherit_memberships = false WHERE id = (SELECT id FROM ids WHERE name = 'C');
SET ROLE rolesd_owner;
SELECT is(pg_temp.p(NULL, 'D'), '{}'::text[], 'inheritance off again: inherited ones dropped');
SELECT is((SELECT count(*) FROM api2_memberships), 4::bigint, 'toggling copied or deleted nothing');

-- moves: D under A inherits A's memberships
RESET ROLE;
UPDATE api2_collections SET parent_id = (SELECT id FROM ids WHERE name = 'A') WHERE id = (SELECT id FROM ids WHERE name = 'D');
SET ROLE rolesd_owner;
SELECT is(pg_temp.p('carol', 'D'), '{collection-read,comment-read,media-play,media-read}'::text[],
              'after a move: the new parent''s memberships');
SELECT ok(rd_api2_is_ancestor((SELECT id FROM ids WHERE name = 'A'), (SELECT id FROM ids WHERE name = 'D')),
              'A is an ancestor of D after the move');
SELECT ok(NOT rd_api2_is_ancestor((SELECT id FROM ids WHERE name = 'C'), (SELECT id FROM ids WHERE name = 'D')),
              'C no longer is');
-- deletes: a membership deleted is gone at the next query
DELETE FROM api2_memberships WHERE user_id = (SELECT id FROM ids WHERE name = 'carol');
SELECT is(pg_temp.p('carol', 'A'), '{}'::text[], 'after deleting the membership: nothing');
SELECT pg_temp.grant_('A', 'carol', 'viewer');

-- the downward walk agrees with the upward one on every collection, for every kind of caller
CREATE FUNCTION pg_temp.agree(p_user text) RETURNS boolean LANGUAGE sql AS $$
    WITH u AS (SELECT (SELECT id FROM ids WHERE name = p_user) AS id),
    up AS (SELECT p.collection_id, p.permissions FROM u, rd_api2_perms_of(u.id, rd_api2_user_groups(u.id),
                                                          ARRAY(SELECT id FROM api2_collections)) p
            WHERE cardinality(p.permissions) > 0),
    down AS (SELECT r.collection_id, r.permissions FROM u, rd_api2_reach_of(u.id, rd_api2_user_groups(u.id)) r)
    SELECT NOT EXISTS (SELECT * FROM up EXCEPT SELECT * FROM down)
       AND NOT EXISTS (SELECT * FROM down EXCEPT SELECT * FROM up) $$;
SELECT ok(pg_temp.agree('carol'), 'up and down agree: carol');
SELECT ok(pg_temp.agree('dave'), 'up and down agree: dave (group)');
SELECT ok(pg_temp.agree(NULL), 'up and down agree: anonymous');
SELECT is(ARRAY(SELECT v.collection_id FROM rd_api2_visible((SELECT id FROM ids WHERE name = 'carol'), 'media-create') v
                     ORDER BY 1), ARRAY(SELECT id FROM ids WHERE name IN ('C') ORDER BY 1),
              'visible with a permission filter');

-- forged cycle X <-> Y (both inheriting), with a membership on it: every walk ends
RESET ROLE;
UPDATE api2_collections SET parent_id = (SELECT id FROM ids WHERE name = 'Y') WHERE id = (SELECT id FROM ids WHERE name = 'X');
SELECT pg_temp.grant_('Y', 'carol', 'reader');
SET ROLE rolesd_owner;
SELECT is(pg_temp.p('carol', 'X'), '{collection-read}'::text[], 'cycle: the upward walk ends');
SELECT ok(pg_temp.agree('carol'), 'cycle: the downward walk ends and agrees');
SELECT ok(rd_api2_is_ancestor((SELECT id FROM ids WHERE name = 'X'), (SELECT id FROM ids WHERE name = 'Y'))
              AND NOT rd_api2_is_ancestor((SELECT id FROM ids WHERE name = 'A'), (SELECT id FROM ids WHERE name = 'Y')),
              'cycle: the ancestry test ends');
RESET ROLE;
UPDATE api2_collections SET parent_id = (SELECT id FROM ids WHERE name = 'site') WHERE id = (SELECT id FROM ids WHERE name = 'X');

-- endpoint functions as carol: visibility, 403 naming the permission, moves, deletes
SET ROLE rolesd_owner;
SELECT set_config('rolesd.user_id', (SELECT id FROM ids WHERE name = 'carol')::text, false);
SELECT throws_ok(format($$SELECT rd_api2_collections_get('%s')$$, (SELECT id FROM ids WHERE name = 'site')),
                  'RD404', NULL, 'an invisible collection does not exist');
SELECT is(rd_api2_collections_get((SELECT id FROM ids WHERE name = 'A')::text)::jsonb ->> 'display_name', 'A',
              'a visible one does');
SELECT throws_ok(format($$SELECT rd_api2_collections_update('%s', '{"display_name":"Z"}', false)$$,
                         (SELECT id FROM ids WHERE name = 'A')), 'RD403', NULL, 'Viewer cannot update: 403');
SELECT throws_ok(format($$SELECT rd_api2_collections_delete('%s')$$, (SELECT id FROM ids WHERE name = 'A')),
                  'RD403', NULL, 'Viewer cannot delete: 403');
SELECT is(rd_api2_collections_delete((SELECT id FROM ids WHERE name = 'site')::text), false,
              'deleting an invisible collection: nothing, no error');
SELECT is((SELECT count(*) FROM (SELECT * FROM rd_api2_collections_list('{}', 1, 50)) l
                WHERE l.items::jsonb @> '[{"display_name":"A"}]' AND NOT l.items::jsonb @> '[{"display_name":"My Site"}]'),
              1::bigint, 'the list holds visible collections only');
SELECT throws_ok($$SELECT * FROM rd_api2_collections_list('{"permission":"nope"}', 1, 50)$$, 'RD422', NULL,
                  'unknown permission filter: 422');
-- as the admin: moves under self or a descendant are refused, My Site stays
SELECT set_config('rolesd.user_id', (SELECT id FROM ids WHERE name = 'alice')::text, false);
SELECT throws_ok(format($$SELECT rd_api2_collections_update('%s', '{"parent_id":"%s"}', false)$$,
                         (SELECT id FROM ids WHERE name = 'A'), (SELECT id FROM ids WHERE name = 'D')),
                  'RD422', NULL, 'move under a descendant: 422');
SELECT throws_ok(format($$SELECT rd_api2_collections_update('%s', '{"parent_id":"%s"}', false)$$,
                         (SELECT id FROM ids WHERE name = 'A'), (SELECT id FROM ids WHERE name = 'A')),
                  'RD422', NULL, 'move under itself: 422');
SELECT throws_ok(format($$SELECT rd_api2_collections_update('%s', '{"parent_id":"%s"}', false)$$,
                         (SELECT id FROM ids WHERE name = 'site'), (SELECT id FROM ids WHERE name = 'A')),
                  'RD422', NULL, 'My Site cannot be moved');
SELECT throws_ok(format($$SELECT rd_api2_collections_delete('%s')$$, (SELECT id FROM ids WHERE name = 'site')),
                  'RD422', NULL, 'My Site cannot be deleted');
SELECT throws_ok(format($$SELECT rd_api2_collections_delete('%s')$$, (SELECT id FROM ids WHERE name = 'A')),
                  'RD422', NULL, 'a collection with sub-collections cannot be deleted');
-- a role used by memberships cannot be deleted
SELECT throws_ok(format($$SELECT rd_api2_roles_delete('%s')$$, (SELECT id FROM ids WHERE name = 'viewer')),
                  'RD422', NULL, 'deleting a role in use: 422');
SELECT ok(EXISTS (SELECT 1 FROM api2_roles WHERE id = (SELECT id FROM ids WHERE name = 'viewer')),
              'and it is still there');
-- other tenant: nothing of A's is visible
RESET ROLE;
SELECT set_config('rolesd.tenant_id', (SELECT max(tenant_id) FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT max(admin_user_id) FROM t)::text, false);
SET ROLE rolesd_owner;
SELECT throws_ok(format($$SELECT rd_api2_collections_get('%s')$$, (SELECT id FROM ids WHERE name = 'A')),
                  'RD404', NULL, 'another tenant''s collection: 404 even for an Administrator');
SELECT is((SELECT count(*) FROM api2_memberships), 0::bigint, 'RLS: tenant B sees none of A''s memberships');
RESET ROLE;

-- description_plain: tags removed, references decoded once (what one decodes to is not decoded again)
SELECT is(rd_api2_plain('<p>Lectures &amp; labs</p>'), 'Lectures & labs', 'plain: tags and &amp;');
SELECT is(rd_api2_plain('&lt;b&gt; &quot;x&quot; &apos;&#39;&#65;&#x42;&nbsp;.'), '<b> "x" ''''AB' || chr(160) || '.',
          'plain: named and numeric references');
SELECT is(rd_api2_plain('&#38;lt;i&#38;gt; &amp;amp; &#x26;quot;'), '&lt;i&gt; &amp; &quot;',
          'plain: a decoded & does not start another reference');
SELECT is(rd_api2_plain('&unknown; & &#0; &#xD800; &#1114112;'), '&unknown; & &#0; &#xD800; &#1114112;',
          'plain: unknown names and references to no character stay');
SELECT is(rd_api2_plain('<p></p>'), '', 'plain: only tags is empty');
SELECT is(rd_api2_plain('1 < 2 and 3 > 2, x<3, <>'), '1 < 2 and 3 > 2, x<3, <>', 'plain: a < that starts no tag is text');
SELECT is(rd_api2_plain($h$<a href='x>y' title="a>b">link</a><br/>!<!-- note --></ p><?pi x?>$h$), 'link!',
          'plain: > inside quoted attribute values, end tags, comments and processing instructions');
SELECT is(rd_api2_plain(NULL), NULL, 'plain: NULL stays NULL');

SELECT * FROM finish();
