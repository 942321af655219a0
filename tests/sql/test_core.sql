-- Core schema: migrations bookkeeping, tenant creation, RLS isolation as the service role, account chain.
SELECT no_plan();
SELECT ok(count(*) >= 1, 'schema_migrations records applied files') FROM schema_migrations;
SELECT ok(bool_and(length(checksum) = 64), 'every migration has a sha256 checksum') FROM schema_migrations;

CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Alpha', ARRAY['alpha.test'], 'Alice', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Beta', ARRAY['beta.test', 'BETA2.test'], 'Bob', repeat('b', 64), 'bbbbb');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;

SELECT is((SELECT tenant_id FROM rd_auth('BETA2.test', NULL)),
          (SELECT tenant_id FROM t ORDER BY tenant_id OFFSET 1 LIMIT 1),
          'hosts are stored lower-case and looked up case-insensitively');
SELECT is((SELECT count(*) FROM roles r JOIN t ON r.tenant_id = t.tenant_id
            WHERE t.tenant_id = (SELECT min(tenant_id) FROM t) AND r.workflow_state = 'built_in'), 8::bigint,
          'a new tenant gets the 8 built-in Canvas roles');

-- As the owner: row-level security is forced, the setting decides (defence in depth inside the api functions).
SET ROLE rolesd_owner;
SELECT is((SELECT count(*) FROM users), 0::bigint, 'owner, no tenant set: no rows visible');
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT is((SELECT count(*) FROM users), 1::bigint, 'tenant A sees only its own user');
SELECT is((SELECT name FROM users), 'Alice', 'and it is Alice');
SELECT is((SELECT count(*) FROM accounts), 1::bigint, 'tenant A sees one account');
SELECT is((SELECT count(DISTINCT tenant_id) FROM roles), 1::bigint, 'tenant A sees only its roles');
SELECT is((SELECT count(*) FROM access_tokens), 1::bigint, 'tenant A sees only its token');
SELECT throws_ok(format($$INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
                         VALUES (%s, 'Mallory', 'M', 'M', 'm', %s)$$,
                        (SELECT max(tenant_id) FROM t), (SELECT max(root_account_id) FROM t)),
                 '42501', NULL, 'tenant A cannot insert rows into tenant B');
WITH u AS (UPDATE users SET name = 'x' WHERE tenant_id = (SELECT max(tenant_id) FROM t) RETURNING 1)
SELECT is(count(*), 0::bigint, 'tenant A cannot update tenant B rows') FROM u;
SELECT set_config('rolesd.tenant_id', (SELECT max(tenant_id) FROM t)::text, false);
SELECT is((SELECT name FROM users), 'Bob', 'tenant B sees Bob only');
SELECT throws_ok(format($$SELECT rd_account_resolve('%s')$$, (SELECT min(root_account_id) FROM t)),
                 'RD404', NULL, 'another tenant''s account id does not exist');
SELECT is(rd_account_resolve('self'), (SELECT max(root_account_id) FROM t), 'self is the tenant root');
SELECT throws_ok($$SELECT rd_account_resolve('99999999999999999999')$$, 'RD404', NULL, 'huge ids are not found');
SELECT throws_ok($$SELECT rd_account_resolve('sis_account_id:nope')$$, 'RD404', NULL, 'unknown sis id');
SELECT set_config('rolesd.tenant_id', '', false);
RESET ROLE;

-- rd_auth: host and token resolution, failures as data.
SELECT is((SELECT err FROM rd_auth('nope.test', NULL)), 'RDH04', 'unknown host');
SELECT is((SELECT err || ' ' || msg FROM rd_auth('alpha.test', repeat('c', 64))), 'RD401 Invalid access token.',
          'unknown token');
SELECT is((SELECT err FROM rd_auth('beta.test', repeat('a', 64))), 'RD401', 'token of another tenant');
SELECT is((SELECT tenant_id FROM rd_auth('beta.test', repeat('a', 64))), (SELECT max(tenant_id) FROM t),
          'a refused token still names the host''s tenant (for the log line)');
SELECT is((SELECT user_id FROM rd_auth('alpha.test', repeat('a', 64))),
          (SELECT min(admin_user_id) FROM t), 'a valid token identifies its user');
SELECT is((SELECT err FROM rd_auth('alpha.test', NULL)), NULL, 'no token: anonymous, not an error');

-- The application role cannot forge the context (hot-paths decision 2). It holds no privilege on any table
-- or internal function; the api functions authenticate from the host and token of the same call and
-- overwrite whatever the session set.
SET ROLE rolesd_app;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT min(admin_user_id) FROM t)::text, false);
SELECT throws_ok($$SELECT count(*) FROM users$$, '42501', NULL, 'a forged setting reads no table');
SELECT throws_ok($$SELECT count(*) FROM accounts$$, '42501', NULL, 'not accounts either');
SELECT throws_ok($$SELECT count(*) FROM tenant_hosts$$, '42501', NULL, 'nor the host map');
SELECT throws_ok($$SELECT count(*) FROM tenants$$, '42501', NULL, 'nor the tenants');
SELECT throws_ok($$INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
                   SELECT tenant_id, 'M', 'M', 'M', 'm', root_account_id FROM t LIMIT 1$$,
                 '42501', NULL, 'a forged setting writes no row');
SELECT throws_ok($$SELECT rd_account_resolve('self')$$, '42501', NULL, 'internal functions are not callable');
SELECT throws_ok($$SELECT * FROM rd_auth('alpha.test', NULL)$$, '42501', NULL,
                 'not even the authentication itself');
SELECT throws_ok($$SELECT * FROM rd_tenant_create('Evil', ARRAY['evil.test'], 'E', repeat('e', 64), 'e')$$,
                 '42501', NULL, 'nor tenant creation');
-- Through the api: the forged user is not the caller, and the forged tenant is not the host's.
-- (An api function's answer: "tenant,user,sqlstate,msglen,bodylen\n" then the message or the value; rd_answer.)
SELECT is(split_part(api.users_self('alpha.test', NULL), ',', 3), 'RDU01',
          'forged user setting, no token: unauthenticated');
SELECT is(split_part(api.users_self('alpha.test', NULL), ',', 2), '',
          'and no user in the answer''s context');
SELECT is((SELECT substr(a, strpos(a, E'\n') + 1)::json->>'name' FROM api.users_self('beta.test', repeat('b', 64)) a
            WHERE split_part(a, ',', 3) = ''), 'Bob', 'forged tenant A, host and token of B: B''s answer');
SELECT is(split_part(api.users_self('beta.test', repeat('a', 64)), ',', 3), 'RD401',
          'A''s token on B''s host: refused');
SELECT is(current_setting('rolesd.tenant_id'), (SELECT min(tenant_id) FROM t)::text,
          'the api call''s context does not outlive it (the session''s value is back)');
SELECT is(split_part(api.canvas_roles_create('alpha.test', NULL, 'self', NULL, 'Evil', NULL,
                                             'AccountMembership', NULL), ',', 3), 'RDU01',
          'a write with a forged setting and no token is refused');
SELECT set_config('rolesd.tenant_id', '', false), set_config('rolesd.user_id', '', false);
RESET ROLE;
SELECT is((SELECT count(*) FROM roles WHERE name = 'Evil'), 0::bigint, 'and wrote nothing');

-- The account chain: depth, and a cycle in corrupt data terminates (as the owner: RLS is forced).
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
SELECT t.tenant_id, 'Sub', t.root_account_id, t.root_account_id FROM t ORDER BY tenant_id LIMIT 1;
SELECT is((SELECT max(depth) FROM rd_account_chain((SELECT max(id) FROM accounts
           WHERE tenant_id = (SELECT min(tenant_id) FROM t)))), 1, 'sub-account chain has depth 1');
INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
SELECT a.tenant_id, 'Sub2', a.id, a.root_account_id FROM accounts a WHERE a.name = 'Sub';
UPDATE accounts SET parent_account_id = (SELECT id FROM accounts WHERE name = 'Sub2') WHERE name = 'Sub';
SELECT is((SELECT count(*) FROM rd_account_chain((SELECT id FROM accounts WHERE name = 'Sub'))), 2::bigint,
          'a cycle in parent links stops the chain instead of looping');
-- a role's base type and state are kept to their known values (0030: foreign keys, not checks)
SELECT throws_ok($$INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
                   SELECT tenant_id, root_account_id, root_account_id, 'Odd', 'SiteAdmin', 'active' FROM t LIMIT 1$$,
                 '23503', NULL, 'an unknown base role type is refused');
INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
SELECT tenant_id, root_account_id, root_account_id, 'Even', 'AccountMembership', 'active' FROM t
 WHERE tenant_id = rd_tenant();
SELECT throws_ok($$UPDATE roles SET workflow_state = 'archived' WHERE name = 'Even'$$,
                 '23503', NULL, 'an unknown state is refused');
SELECT lives_ok($$UPDATE roles SET updated_at = now() WHERE name = 'AccountAdmin'$$, 'a touch needs no check');
RESET ROLE;

-- Rails' blank? (create's label/role fallback, update's label): Unicode White_Space is blank, whatever the
-- database's ctype knows.
SELECT ok(rd_canvas_blank(NULL) AND rd_canvas_blank('') AND rd_canvas_blank(E' \t\r\n'), 'ASCII whitespace is blank');
SELECT ok(rd_canvas_blank(U&'\00A0\3000\2003\202F\0085'), 'no-break, ideographic and other Unicode spaces are blank');
SELECT ok(NOT rd_canvas_blank(U&'\200B') AND NOT rd_canvas_blank(U&' x\00A0'), 'a zero-width space or any text is not');

SELECT * FROM finish();
