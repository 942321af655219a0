-- api2 roles: seed, RLS, and the endpoint functions (authorization, validation, writes) as the service role.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Alpha', ARRAY['alpha.test'], 'Alice', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Beta', ARRAY['beta.test'], 'Bob', repeat('b', 64), 'bbbbb');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;

-- a non-admin user in tenant A
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
INSERT INTO users (tenant_id, name, login_id, is_admin)
SELECT min(tenant_id), 'Carol', 'carol', false FROM t;
CREATE TEMP TABLE carol AS SELECT id FROM users WHERE login_id = 'carol';
GRANT SELECT ON carol TO rolesd_app, rolesd_owner;

-- Seed
SELECT is((SELECT count(*) FROM api2_roles WHERE tenant_id = t.tenant_id), 26::bigint,
          'tenant ' || t.tenant_id || ' is seeded with 26 api2 roles') FROM t ORDER BY t.tenant_id;
SELECT is(ARRAY(SELECT display_name FROM api2_roles WHERE tenant_id = (SELECT min(tenant_id) FROM t)
                 ORDER BY id LIMIT 3), '{Manager,Contributor,Viewer}'::text[],
          'Manager, Contributor, Viewer come first');
SELECT ok(bool_and(deletable AND NOT lti), 'the three custom roles are deletable, not LTI')
  FROM api2_roles WHERE display_name IN ('Manager', 'Contributor', 'Viewer');
SELECT is((SELECT count(*) FROM api2_roles WHERE tenant_id = (SELECT min(tenant_id) FROM t)
            AND lti AND NOT deletable AND display_name LIKE 'LTI %'), 23::bigint,
          '23 LTI roles, not deletable');
SELECT is((SELECT count(*) FROM api2_roles WHERE tenant_id = (SELECT min(tenant_id) FROM t)
            AND display_name LIKE 'LTI Context %'), 8::bigint, '8 LIS context roles');
SELECT is((SELECT count(*) FROM api2_roles WHERE tenant_id = (SELECT min(tenant_id) FROM t)
            AND display_name LIKE 'LTI Institution %'), 15::bigint, '15 LIS institution roles');
-- every seeded set is dependency-closed
SELECT is((SELECT count(*) FROM api2_roles r
            WHERE rd_api2_closure_add(ARRAY(SELECT permission FROM api2_role_permissions p
                                             WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id), '{}')
                  <> ARRAY(SELECT permission FROM api2_role_permissions p
                            WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id ORDER BY permission)),
          0::bigint, 'every seeded permission set is dependency-closed');
SELECT is((SELECT count(*) FROM api2_role_permissions p JOIN api2_roles r ON r.tenant_id = p.tenant_id
            AND r.id = p.role_id WHERE r.display_name = 'Manager' AND r.tenant_id = (SELECT min(tenant_id) FROM t)),
          19::bigint, 'Manager has every permission');
-- the migration's catch-up statement seeds a tenant that has none, and is idempotent
DELETE FROM api2_roles WHERE tenant_id = (SELECT max(tenant_id) FROM t);
SELECT rd_api2_seed_tenant(id) FROM tenants ORDER BY id;
SELECT rd_api2_seed_tenant(id) FROM tenants ORDER BY id;
SELECT is((SELECT count(*) FROM api2_roles), 52::bigint, 'seeding existing tenants fills the gap once');

-- As the service role, tenant A, as the admin Alice.
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT is((SELECT count(DISTINCT tenant_id) FROM api2_roles), 1::bigint, 'RLS: tenant A sees only its roles');
SELECT is((SELECT count(DISTINCT tenant_id) FROM api2_role_permissions), 1::bigint,
          'RLS: tenant A sees only its role permissions');

SELECT set_config('rolesd.user_id', '', false);
SELECT throws_ok($$SELECT rd_api2_roles_get('1')$$, 'RDU01', NULL, 'anonymous: 401');
SELECT throws_ok($$SELECT rd_api2_roles_count(NULL, NULL, NULL, NULL)$$, 'RDU01', NULL, 'anonymous count: 401');
SELECT set_config('rolesd.user_id', (SELECT id FROM carol)::text, false);
SELECT throws_ok($$SELECT rd_api2_roles_get('1')$$, 'RD403', NULL, 'non-admin: 403');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('""', '"x"')$$, 'RD403', NULL,
                 'non-admin with invalid values: 403 before 422');
SELECT throws_ok($$SELECT rd_api2_roles_delete('1')$$, 'RD403', NULL, 'non-admin delete: 403');
SELECT set_config('rolesd.user_id', (SELECT min(admin_user_id) FROM t)::text, false);

-- get / not found
SELECT is(rd_api2_roles_get((SELECT min(id) FROM api2_roles)::text)::jsonb ->> 'display_name', 'Manager',
          'get by id');
SELECT throws_ok(format($$SELECT rd_api2_roles_get('%s')$$,
                        (SELECT min(id) FROM api2_roles r WHERE false) ), 'RDR04', NULL, 'empty id: 404');
SELECT throws_ok($$SELECT rd_api2_roles_get('abc')$$, 'RDR04', NULL, 'non-numeric id: 404');
SELECT throws_ok($$SELECT rd_api2_roles_get('99999999999999999999')$$, 'RDR04', NULL, 'id past bigint: 404');
SELECT throws_ok($$SELECT rd_api2_roles_get('-1')$$, 'RDR04', NULL, 'negative id: 404');
RESET ROLE;
CREATE TEMP TABLE beta_role AS SELECT min(id) AS id FROM api2_roles WHERE tenant_id = (SELECT max(tenant_id) FROM t);
GRANT SELECT ON beta_role TO rolesd_app, rolesd_owner;
SET ROLE rolesd_owner;
SELECT throws_ok(format($$SELECT rd_api2_roles_get('%s')$$, (SELECT id FROM beta_role)), 'RDR04', NULL,
                 'another tenant''s role: 404');
SELECT throws_ok(format($$SELECT rd_api2_roles_add_permissions('%s', '["media-read"]')$$, (SELECT id FROM beta_role)),
                 'RDR04', NULL, 'another tenant''s role cannot be changed');
SELECT is(rd_api2_roles_delete((SELECT id FROM beta_role)::text), false,
          'deleting another tenant''s role is a no-op');

-- create
CREATE TEMP TABLE c AS SELECT * FROM rd_api2_roles_create('" New Role "', '["media-play","media-read","collection-read","comment-create"]');
SELECT is((SELECT body::jsonb ->> 'display_name' FROM c), 'New Role', 'create trims display_name');
SELECT is((SELECT body::jsonb -> 'permissions' FROM c), '["collection-read","media-play","media-read"]'::jsonb,
          'create applies the dependency rule (comment-create lacks comment-read)');
SELECT is((SELECT body::jsonb ->> 'id' FROM c), (SELECT id::text FROM c), 'id is a string');
SELECT is((SELECT (body::jsonb ->> 'deletable') || (body::jsonb ->> 'lti') FROM c), 'truefalse',
          'a created role is deletable and not LTI');
SELECT is((SELECT body::jsonb -> 'links' ->> 'self' FROM c), (SELECT '/api2/roles/' || id FROM c), 'links.self');
SELECT ok((SELECT body FROM c) !~ ': ', 'the JSON is compact');
SELECT is((SELECT body::jsonb ->> 'display_name' FROM rd_api2_roles_create(E'"\\tvv\\u000b "', '[]')), 'vv',
          'only whitespace is trimmed');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('"new role"', '[]')$$, 'RD422', NULL,
                 'display_name taken (case-insensitive)');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('"  "', '[]')$$, 'RD422', NULL, 'blank display_name');
CREATE TEMP TABLE ws AS SELECT * FROM rd_api2_roles_create(E'"\\u3000ww \\u00a0\\u2003"', '[]');
SELECT is((SELECT body::jsonb ->> 'display_name' FROM ws), 'ww',
          'Unicode whitespace is trimmed as Python''s strip() trims it (ideographic, no-break, em spaces)');
SELECT rd_api2_roles_delete((SELECT id FROM ws)::text);
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create(E'"\\u00a0\\u202f"', '[]')$$, 'RD422', NULL,
                 'a display_name of no-break spaces is blank');
SELECT is(rd_strip_space(E'\u2028 a\u00a0b \u205f'), E'a\u00a0b', 'inner spaces are kept');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create(NULL, '[]')$$, 'RD422', NULL, 'missing display_name');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('"Z"', NULL)$$, 'RD422', NULL, 'missing permissions');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('"Z"', '["media-read","nope"]')$$, 'RD422', NULL,
                 'unknown permission');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('"Z"', '"media-read"')$$, 'RD422', NULL, 'permissions not a list');
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('5', '[]')$$, 'RD422', NULL, 'display_name not a string');
SELECT throws_ok(format($$SELECT * FROM rd_api2_roles_create('"%s"', '[]')$$, repeat('x', 256)), 'RD422', NULL,
                 'display_name over 255 characters');
SELECT is((SELECT count(*) FROM api2_roles WHERE display_name = 'Z'), 0::bigint, 'failed creates wrote nothing');

-- the 422 DETAIL is the errors array
CREATE FUNCTION pg_temp.detail(stmt text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE stmt;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d::jsonb;
END $$;
SELECT is(pg_temp.detail($$SELECT * FROM rd_api2_roles_create('""', '["nope"]')$$),
          '[{"field":"display_name","message":"can''t be blank"},{"field":"permissions","message":"unknown permission \"nope\""}]'::jsonb,
          'errors list every invalid field');
SELECT ok(length(pg_temp.detail(format($$SELECT * FROM rd_api2_roles_create('"Q"', '%s')$$,
                                          (SELECT json_agg(repeat(chr(97 + n % 26), 1000) || n)
                                             FROM generate_series(1, 50) n)))::text) < 1500,
          'many long unknown names keep the DETAIL short');

-- update
SELECT is(rd_api2_roles_update((SELECT id FROM c)::text, '"Renamed"', NULL)::jsonb ->> 'display_name', 'Renamed',
          'rename');
SELECT is(rd_api2_roles_update((SELECT id FROM c)::text, NULL, '["media-like","media-read","collection-read"]')::jsonb
          -> 'permissions', '["collection-read","media-like","media-read"]'::jsonb, 'update replaces the set');
SELECT is(rd_api2_roles_update((SELECT id FROM c)::text, NULL, '["media-like"]')::jsonb -> 'permissions',
          '[]'::jsonb, 'update applies the dependency rule from empty');
SELECT is(rd_api2_roles_update((SELECT id FROM c)::text, NULL, NULL)::jsonb ->> 'display_name', 'Renamed',
          'an empty update changes nothing');
SELECT is(rd_api2_roles_update((SELECT id FROM c)::text, '"RENAMED"', NULL)::jsonb ->> 'display_name', 'RENAMED',
          'a role may change the case of its own name');
SELECT throws_ok(format($$SELECT rd_api2_roles_update('%s', '"viewer"', NULL)$$, (SELECT id FROM c)), 'RD422', NULL,
                 'rename to a taken name');
SELECT throws_ok(format($$SELECT rd_api2_roles_update('%s', 'null', NULL)$$, (SELECT id FROM c)), 'RD422', NULL,
                 'rename to null');
SELECT throws_ok(format($$SELECT rd_api2_roles_update('%s', NULL, 'null')$$, (SELECT id FROM c)), 'RD422', NULL,
                 'permissions null');
SELECT throws_ok(format($$SELECT rd_api2_roles_update('%s', '"Fine"', '["bad"]')$$, (SELECT id FROM c)), 'RD422', NULL,
                 'update with an unknown permission');
SELECT is((SELECT display_name FROM api2_roles WHERE id = (SELECT id FROM c)), 'RENAMED',
          'a failed update wrote nothing');
SELECT throws_ok($$SELECT rd_api2_roles_update('abc', '"x"', NULL)$$, 'RDR04', NULL, 'update of a non-numeric id');
SELECT throws_ok(format($$SELECT rd_api2_roles_update('%s', '"Renamed LTI"', NULL)$$,
                        (SELECT id FROM api2_roles WHERE display_name = 'LTI Context Learner')), 'RD422', NULL,
                 'an LTI role keeps its name');
SELECT is(rd_api2_roles_update((SELECT id FROM api2_roles WHERE display_name = 'LTI Context Learner')::text,
                               '"LTI Context Learner"', '["collection-read"]')::jsonb -> 'permissions',
          '["collection-read"]'::jsonb, 'an LTI role''s permissions can be edited');

-- add / remove
SELECT is(rd_api2_roles_add_permissions((SELECT id FROM c)::text, '["media-play"]')::jsonb -> 'permissions',
          '[]'::jsonb, 'add media-play alone: not added');
SELECT is(rd_api2_roles_add_permissions((SELECT id FROM c)::text, '["media-play","collection-read","media-read"]')::jsonb
          -> 'permissions', '["collection-read","media-play","media-read"]'::jsonb, 'add with dependencies');
SELECT is(rd_api2_roles_add_permissions((SELECT id FROM c)::text, '[]')::jsonb -> 'permissions',
          '["collection-read","media-play","media-read"]'::jsonb, 'add nothing');
SELECT throws_ok(format($$SELECT rd_api2_roles_add_permissions('%s', NULL)$$, (SELECT id FROM c)), 'RD422', NULL,
                 'add without permissions');
SELECT throws_ok(format($$SELECT rd_api2_roles_add_permissions('%s', '["media-play","bogus"]')$$, (SELECT id FROM c)),
                 'RD422', NULL, 'add an unknown permission');
SELECT is(rd_api2_roles_remove_permissions((SELECT id FROM c)::text, '["media-read"]')::jsonb -> 'permissions',
          '["collection-read"]'::jsonb, 'remove takes the dependents along');
SELECT throws_ok(format($$SELECT rd_api2_roles_remove_permissions('%s', '["bogus"]')$$, (SELECT id FROM c)),
                 'RD422', NULL, 'remove an unknown permission');

-- list and count filters
SELECT is(rd_api2_roles_count(NULL, NULL, NULL, NULL), '{"count":28}', 'count all');
SELECT is(rd_api2_roles_count(NULL, '"false"', NULL, NULL), '{"count":23}', 'count deletable=false');
SELECT is(rd_api2_roles_count(NULL, NULL, '"false"', NULL), '{"count":5}', 'count lti=false');
SELECT is(rd_api2_roles_count('"Viewer"', NULL, NULL, NULL), '{"count":1}', 'count display_name exact');
SELECT is(rd_api2_roles_count('"viewer"', NULL, NULL, NULL), '{"count":0}', 'display_name is an exact match');
SELECT is(rd_api2_roles_count(NULL, NULL, NULL, '"media-update, media-publish"'), '{"count":4}',
          'permissions filter: roles having all of them');
SELECT is((SELECT count(*)
             FROM api2_permissions a JOIN api2_permissions b ON a.name < b.name
            WHERE (rd_api2_roles_count(NULL, NULL, NULL, to_jsonb(a.name || ',' || b.name))::jsonb ->> 'count')::bigint
                  <> (SELECT count(*) FROM api2_roles r
                       WHERE r.tenant_id = rd_tenant()
                         AND EXISTS (SELECT 1 FROM api2_role_permissions p
                                      WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id AND p.permission = a.name)
                         AND EXISTS (SELECT 1 FROM api2_role_permissions p
                                      WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id AND p.permission = b.name))),
          0::bigint, 'for every pair of permissions, the filter counts the roles holding both');
SELECT is(rd_api2_roles_count(NULL, '"TRUE"', '"0"', '""'), '{"count":5}', 'booleans as 1/0/TRUE, empty list');
SELECT throws_ok($$SELECT rd_api2_roles_count(NULL, '"maybe"', NULL, NULL)$$, 'RD422', NULL, 'bad boolean filter');
SELECT throws_ok($$SELECT rd_api2_roles_count(NULL, NULL, NULL, '"media-read,nope"')$$, 'RD422', NULL,
                 'unknown permission in the filter');
SELECT is((SELECT total FROM rd_api2_roles_list(NULL, NULL, NULL, NULL, 2, 10)), 28::bigint, 'list total');
SELECT is((SELECT json_array_length(items::json) FROM rd_api2_roles_list(NULL, NULL, NULL, NULL, 3, 10)), 8,
          'last page');
SELECT is((SELECT items FROM rd_api2_roles_list(NULL, NULL, NULL, NULL, 4, 10)), '[]', 'past the end: empty');
SELECT ok((SELECT bool_and((e ->> 'id')::bigint > coalesce(lag, 0))
             FROM (SELECT e, lag((e ->> 'id')::bigint) OVER (ORDER BY n) AS lag
                     FROM rd_api2_roles_list(NULL, NULL, NULL, NULL, 1, 50) l,
                          json_array_elements(l.items::json) WITH ORDINALITY x (e, n)) s),
          'items ordered by id');
-- each item is the role's own JSON, permissions included (the page's sets are read in one grouped query);
-- roles without any permission are on the page too
SELECT is((SELECT count(*) FROM rd_api2_roles_list(NULL, NULL, NULL, NULL, 1, 50) l,
                  json_array_elements(l.items::json) x (e)
            WHERE x.e::text IS DISTINCT FROM rd_api2_roles_get(x.e ->> 'id')), 0::bigint,
          'every item equals GET of its role');
SELECT cmp_ok((SELECT count(*) FROM api2_roles r WHERE NOT EXISTS (SELECT 1 FROM api2_role_permissions p
                                                                    WHERE p.role_id = r.id)), '>', 0::bigint,
              'and some role listed has no permission');

-- delete
SELECT throws_ok(format($$SELECT rd_api2_roles_delete('%s')$$,
                        (SELECT id FROM api2_roles WHERE display_name = 'LTI Context Learner')), 'RD422', NULL,
                 'an LTI role cannot be deleted');
SELECT is(rd_api2_roles_delete((SELECT id FROM c)::text), true, 'delete');
SELECT is((SELECT count(*) FROM api2_role_permissions WHERE role_id = (SELECT id FROM c)), 0::bigint,
          'its permissions go with it');
SELECT is(rd_api2_roles_delete((SELECT id FROM c)::text), false, 'delete again: no-op');
SELECT is(rd_api2_roles_delete('abc'), false, 'delete a non-numeric id: no-op');

-- read-only mode refuses writes, not reads
RESET ROLE;
UPDATE tenants SET read_only = true WHERE id = (SELECT min(tenant_id) FROM t);
SET ROLE rolesd_owner;
SELECT throws_ok($$SELECT * FROM rd_api2_roles_create('"RO"', '[]')$$, 'RDRO1', NULL, 'read-only: create refused');
SELECT throws_ok($$SELECT rd_api2_roles_delete('1')$$, 'RDRO1', NULL, 'read-only: delete refused');
SELECT throws_ok($$SELECT rd_api2_roles_add_permissions('1', '[]')$$, 'RDRO1', NULL, 'read-only: add refused');
SELECT is(rd_api2_roles_count('"Viewer"', NULL, NULL, NULL), '{"count":1}', 'read-only: reads work');
RESET ROLE;

SELECT * FROM finish();
