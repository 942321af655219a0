-- api2 add-/remove-permissions' fast path (rd_api2_change_fast, 80_api2.sql) answers a body only where the
-- general path (rd_api2_roles_change_permissions) succeeds, writes nothing and answers the same body: for every
-- role of the tenant (the seeds, an empty role, one holding a single permission) and every kind of request
-- (each permission alone, pairs, the role's whole set, names it lacks, duplicates, unknown names, an empty list,
-- non-lists, non-strings), adding and removing. Where it declines, the general path gives the answer or the
-- error. And the invariant it stands on: a change of the catalogue's edges that would leave a stored set
-- without a dependency is refused (rd_api2_requires_rebuild).
SELECT no_plan();
\set tenant ChangeFast
\ir lib/one_tenant.sql

INSERT INTO users (tenant_id, name, login_id, is_admin) VALUES (rd_tenant(), 'Plain', 'plain', false);
INSERT INTO api2_roles (tenant_id, display_name) VALUES (rd_tenant(), 'Empty'), (rd_tenant(), 'Reader');
INSERT INTO api2_role_permissions (tenant_id, role_id, permission)
SELECT rd_tenant(), id, 'collection-read' FROM api2_roles WHERE tenant_id = rd_tenant() AND display_name = 'Reader';
CREATE TEMP TABLE reader AS SELECT id FROM api2_roles WHERE tenant_id = rd_tenant() AND display_name = 'Reader';
GRANT SELECT ON reader TO rolesd_app;

CREATE FUNCTION pg_temp.as_caller(p_login text) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('rolesd.user_id', coalesce((SELECT id FROM users WHERE login_id = p_login)::text, ''), false) $$;

-- the general path's outcome, rolled back: 'same <body>' when it wrote nothing (set and modified_on as they
-- were), 'changed <body>' when it wrote, else 'error <SQLSTATE>'
CREATE FUNCTION pg_temp.general(p_role bigint, p_req jsonb, p_add boolean) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    before text;
    body text;
BEGIN
    before := (SELECT r.modified_on::text || ARRAY(SELECT p.permission FROM api2_role_permissions p
                                                   WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id
                                                   ORDER BY p.permission)::text
                 FROM api2_roles r WHERE r.tenant_id = rd_tenant() AND r.id = p_role);
    body := rd_api2_roles_change_permissions(p_role::text, p_req, p_add, NULL);
    RAISE EXCEPTION USING ERRCODE = 'RDT01',
        MESSAGE = CASE WHEN before = (SELECT r.modified_on::text || ARRAY(SELECT p.permission FROM api2_role_permissions p
                                                                           WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id
                                                                           ORDER BY p.permission)::text
                                         FROM api2_roles r WHERE r.tenant_id = rd_tenant() AND r.id = p_role)
                       THEN 'same ' ELSE 'changed ' END || body;
EXCEPTION
    WHEN SQLSTATE 'RDT01' THEN RETURN SQLERRM;
    WHEN OTHERS THEN RETURN 'error ' || SQLSTATE;
END $$;

CREATE TEMP TABLE requests AS
SELECT to_jsonb(ARRAY[p.name]) AS req FROM api2_permissions p
UNION ALL SELECT to_jsonb(ARRAY[a.name, b.name]) FROM api2_permissions a, api2_permissions b
           WHERE a.name < b.name AND (a.name LIKE 'media-%' OR a.name LIKE 'collection-%')
UNION ALL SELECT x::jsonb FROM unnest(ARRAY['["media-read", "media-read"]', '["collection-read", "collection-read"]',
                                            '["no-such-permission"]', '["collection-read", "no-such"]', '[]',
                                            '"collection-read"', '{"collection-read": 1}', '[5]', '[null]',
                                            '[["collection-read"]]', 'null', '["COLLECTION-READ"]']) x;
-- each role's own set, and its set with one more
INSERT INTO requests
SELECT DISTINCT to_jsonb(ARRAY(SELECT p.permission FROM api2_role_permissions p
                                WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id ORDER BY p.permission))
  FROM api2_roles r WHERE r.tenant_id = rd_tenant();
INSERT INTO requests
SELECT DISTINCT to_jsonb(ARRAY(SELECT p.permission FROM api2_role_permissions p
                                WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id ORDER BY p.permission) || 'media-like'::text)
  FROM api2_roles r WHERE r.tenant_id = rd_tenant();
GRANT SELECT ON requests TO rolesd_owner;

CREATE TEMP VIEW compared AS
SELECT r.id AS role, q.req, a.add,
       (SELECT f.body FROM rd_api2_change_fast(r.id, q.req, a.add) f) AS fast,
       pg_temp.general(r.id, q.req, a.add) AS general
  FROM api2_roles r CROSS JOIN requests q CROSS JOIN (VALUES (true), (false)) a (add)
 WHERE r.tenant_id = rd_tenant();
GRANT SELECT ON compared TO rolesd_owner;
CREATE TEMP TABLE got AS SELECT * FROM compared WHERE false;
GRANT SELECT, INSERT, DELETE ON got TO rolesd_owner;

SELECT pg_temp.as_caller('admin');
INSERT INTO got SELECT * FROM compared;
SELECT cmp_ok((SELECT count(*) FROM got WHERE fast IS NOT NULL AND add), '>', 500::bigint,
              'an administrator: the fast path answers many adds');
SELECT cmp_ok((SELECT count(*) FROM got WHERE fast IS NOT NULL AND NOT add), '>', 500::bigint,
              'and many removes');
SELECT is((SELECT count(*) FROM got WHERE fast IS NOT NULL AND general IS DISTINCT FROM 'same ' || fast), 0::bigint,
          'each where the general path writes nothing and answers the same body');
SELECT is((SELECT count(*) FROM got WHERE fast IS NULL AND general LIKE 'same %'
              AND req <@ (SELECT to_jsonb(array_agg(p.permission)) FROM api2_role_permissions p
                           WHERE p.tenant_id = rd_tenant() AND p.role_id = got.role)
              AND jsonb_typeof(req) = 'array' AND req <> '[]' AND add), 0::bigint,
          'it declines no add of names the role holds');
SELECT is((SELECT count(*) FROM got WHERE fast IS NULL AND general LIKE 'same %' AND NOT add AND req <> '[]'), 0::bigint,
          'nor any remove that changes nothing (an empty list aside)');
SELECT cmp_ok((SELECT count(*) FROM got WHERE general LIKE 'changed %'), '>', 500::bigint,
              'the requests that change a set are left to the general path');
SELECT cmp_ok((SELECT count(*) FROM got WHERE general LIKE 'error %'), '>', 100::bigint,
              'and so are those it refuses');
SELECT is((SELECT count(*) FROM got WHERE fast IS NOT NULL AND (req = '[]' OR jsonb_typeof(req) <> 'array')), 0::bigint,
          'an empty list or a non-list is never answered');

-- callers and tenants the fast path leaves to the general path's errors
DELETE FROM got;
SELECT pg_temp.as_caller('plain');
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL OR general NOT LIKE 'error RD403'), 0::bigint,
          'not an Administrator: no answer, and the general path refuses with 403');
SELECT pg_temp.as_caller('admin');
UPDATE tenants SET read_only = true WHERE id = rd_tenant();
SELECT is((SELECT count(*) FROM compared WHERE fast IS NOT NULL OR general NOT LIKE 'error RDRO1'), 0::bigint,
          'a read-only tenant: no answer, and the general path refuses with 503');
UPDATE tenants SET read_only = false WHERE id = rd_tenant();
SELECT is((SELECT count(*) FROM rd_api2_change_fast(999999999, '["collection-read"]', true)), 0::bigint,
          'no such role: no answer');
SELECT is((SELECT count(*) FROM rd_api2_change_fast(NULL, '["collection-read"]', true)), 0::bigint,
          'an id that does not parse: no answer');

-- the api function answers from the fast path as the general one does: no error, the role (rd_answer)
RESET ROLE;
SET ROLE rolesd_app;
SELECT matches(api.api2_roles_add_permissions('changefast.test', encode(sha256(convert_to('ChangeFast', 'UTF8')), 'hex'),
                                              (SELECT id FROM reader)::text, '["collection-read"]'),
               E'^\\d+,\\d+,,,\\d+\n\\{"id":.*"permissions":\\["collection-read"\\]',
               'api.api2_roles_add_permissions: the unchanged role, tenant and user, no error');
RESET ROLE;
SET ROLE rolesd_owner;

-- the invariant: an edge that would open a stored set is refused, with the catalogue as it was
SELECT throws_ok($$INSERT INTO api2_permission_deps (permission, depends_on) VALUES ('media-play', 'media-delete')$$,
                 'RD500', NULL, 'a new edge that leaves Viewer''s media-play without media-delete is refused');
SELECT is((SELECT requires FROM api2_permissions WHERE name = 'media-play'), '{collection-read,media-read}'::text[],
          'and media-play''s dependencies are unchanged');
SELECT lives_ok($$INSERT INTO api2_permission_deps (permission, depends_on) VALUES ('collection-share', 'collection-create')$$,
                'an edge every holder already satisfies is taken');
RESET ROLE;
SELECT * FROM finish();
