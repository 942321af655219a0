-- The audit trail (95_audit.sql): row triggers record every change with the request's context; rows are
-- immutable; the token hash never enters the trail.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Aud', ARRAY['aud.test'], 'Root Admin', repeat('a', 64), 'aaaaa');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
-- rd_auth's settings last for the transaction, as in an api.* call
BEGIN;
SET ROLE rolesd_owner;
SELECT is((SELECT count(*) FROM rd_auth('aud.test', repeat('a', 64), 'req-1') WHERE err IS NULL), 1::bigint,
          'authenticated with a request id');
SELECT is(current_setting('rolesd.request_id'), 'req-1', 'the request id is kept for the trail');
SELECT is(current_setting('rolesd.token_id')::bigint, (SELECT token_id FROM t), 'and the token id');

SELECT lives_ok($$SELECT rd_canvas_roles_create('self', 'manage_role_overrides', NULL, 'Clerk', NULL, NULL,
                  '[["read_roster",1,1,-1,-1,-1,-1,[]]]')$$, 'a role with an override');
SELECT is((SELECT string_agg(a.entity || ':' || a.action, ' ' ORDER BY a.id) FROM audit_events a WHERE a.request_id = 'req-1'),
          'role:create role_override:create', 'both recorded (the role''s timestamp touch is not)');
SELECT is((SELECT count(*) FROM audit_events a WHERE a.request_id = 'req-1'
            AND a.user_id = (SELECT admin_user_id FROM t) AND a.token_id = (SELECT token_id FROM t)), 2::bigint,
          'with the caller and the token');
SELECT is((SELECT a.after ->> 'permission' FROM audit_events a WHERE a.entity = 'role_override'), 'read_roster',
          'after holds the new row');
SELECT lives_ok($$SELECT rd_tokens_create('self', 'create_access_tokens', 'sync', NULL, repeat('f', 64), 'fffff')$$,
                'a token');
SELECT ok((SELECT NOT (a.after ? 'token_hash') FROM audit_events a WHERE a.entity = 'token' AND a.action = 'create' AND a.request_id = 'req-1'),
          'the token hash never enters the trail');
-- a token's row names its user's account (the only row that names another row's), an override's its own
INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
SELECT tenant_id, 'Aud sub', root_account_id, root_account_id FROM t;
UPDATE users u SET account_id = (SELECT a.id FROM accounts a WHERE a.name = 'Aud sub')
 WHERE u.id = (SELECT a.after ->> 'user_id' FROM audit_events a
                WHERE a.entity = 'token' AND a.action = 'create' AND a.request_id = 'req-1')::bigint;
UPDATE access_tokens x SET purpose = 'sync 2'
 WHERE x.id = (SELECT a.entity_id FROM audit_events a
                WHERE a.entity = 'token' AND a.action = 'create' AND a.request_id = 'req-1')::bigint;
SELECT is((SELECT a.account_id FROM audit_events a WHERE a.entity = 'token' AND a.action = 'update'
              AND a.after ->> 'purpose' = 'sync 2'),
          (SELECT a.id FROM accounts a WHERE a.name = 'Aud sub'), 'a token''s row names its user''s account');
SELECT is((SELECT a.account_id FROM audit_events a WHERE a.entity = 'role_override'),
          (SELECT (a.after ->> 'account_id')::bigint FROM audit_events a WHERE a.entity = 'role_override'),
          'an override''s row names its own account');
SELECT throws_ok($$UPDATE audit_events SET action = 'x'$$, 'RD409', NULL, 'immutable');
RESET ROLE;
SELECT throws_ok($$TRUNCATE audit_events$$, 'RD409', NULL, 'not even truncated by a superuser');
-- audit triggers that fire on updates of listed columns only (95_audit.sql) list every column but the
-- timestamps that hot writes touch: a column added later must be added to the list, or its changes go
-- unrecorded
SELECT is((SELECT string_agg(format('%s: %s', t.tgrelid::regclass, a.attname), ', ' ORDER BY t.tgrelid::regclass::text, a.attname)
             FROM pg_trigger t
             JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE t.tgname LIKE 'audit\_%' AND cardinality(t.tgattr::int2[]) > 0
              AND a.attname NOT IN ('updated_at', 'modified_on') AND NOT a.attname = ANY (rd_audit_derived())
              AND NOT a.attnum = ANY (t.tgattr::int2[])), NULL,
          'every column but the timestamps fires the audit of an update');
SELECT is((SELECT string_agg(t.tgrelid::regclass::text, ', ' ORDER BY t.tgrelid::regclass::text) FROM pg_trigger t
            WHERE t.tgname LIKE 'audit\_%' AND cardinality(t.tgattr::int2[]) > 0), 'api2_roles, roles',
          'the two tables whose timestamps hot writes touch');
UPDATE roles SET updated_at = now() - interval '1 day'
 WHERE tenant_id = (SELECT tenant_id FROM t) AND name = 'Clerk';
SELECT is((SELECT count(*) FROM audit_events a WHERE a.entity = 'role' AND a.action = 'update'), 0::bigint,
          'a touch is not recorded');
UPDATE roles SET name = 'Clerk II', updated_at = now()
 WHERE tenant_id = (SELECT tenant_id FROM t) AND name = 'Clerk';
SELECT is((SELECT a.after ->> 'name' FROM audit_events a WHERE a.entity = 'role' AND a.action = 'update'), 'Clerk II',
          'a rename is');
-- the entity filter's list names every entity the trail records: the triggers' arguments and the explicit calls
SELECT is((SELECT array_agg(DISTINCT e ORDER BY e) FROM (
             SELECT split_part(encode(t.tgargs, 'escape'), '\000', 1) AS e
               FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = 'rd_audit_row'
             UNION
             SELECT m[1] FROM pg_proc p, regexp_matches(p.prosrc, 'rd_audit\(''([a-z0-9_]+)''', 'g') m
              WHERE p.pronamespace = 'public'::regnamespace) x WHERE e IS NOT NULL),
          (SELECT array_agg(e ORDER BY e) FROM unnest(rd_audit_entities()) e),
          'rd_audit_entities() names every entity the trail records, and no other');
-- without a request id (rolesd sends none with a GET) the request id stays as it was, the token id is set
SELECT is(set_config('rolesd.request_id', 'before', true), 'before', 'a request id set before the call');
SELECT is((SELECT err FROM rd_auth('aud.test', repeat('a', 64), NULL)), NULL, 'authenticated without a request id');
SELECT is(current_setting('rolesd.request_id'), 'before', 'the request id setting is left alone');
SELECT is(current_setting('rolesd.token_id')::bigint, (SELECT token_id FROM t), 'the token id is set all the same');
SELECT * FROM finish();
ROLLBACK;
