-- Core schema: migrations bookkeeping, tenant creation, RLS isolation as the service role, account chain.
SELECT no_plan();
SELECT ok(count(*) >= 1, 'schema_migrations records applied files') FROM schema_migrations;
SELECT ok(bool_and(length(checksum) = 64), 'every migration has a sha256 checksum') FROM schema_migrations;

CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Alpha', ARRAY['alpha.test'], 'Alice', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Beta', ARRAY['beta.test', 'BETA2.test'], 'Bob', repeat('b', 64), 'bbbbb');
GRANT SELECT ON t TO rolesd_app;

SELECT is(rd_host_tenant('beta2.test'), (SELECT tenant_id FROM t ORDER BY tenant_id OFFSET 1 LIMIT 1),
          'hosts are stored lower-case and looked up case-insensitively');
SELECT is((SELECT count(*) FROM roles r JOIN t ON r.tenant_id = t.tenant_id
            WHERE t.tenant_id = (SELECT min(tenant_id) FROM t) AND r.workflow_state = 'built_in'), 8::bigint,
          'a new tenant gets the 8 built-in Canvas roles');

-- As the service role: the table owner is not us, RLS applies.
SET ROLE rolesd_app;
SELECT throws_ok($$SELECT count(*) FROM tenant_hosts$$, '42501', NULL, 'the service role cannot read tenant_hosts');
SELECT is((SELECT count(*) FROM users), 0::bigint, 'no tenant set: no rows visible');
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
RESET ROLE;

-- rd_ctx: host and token resolution.
SELECT throws_ok($$SELECT * FROM rd_ctx('nope.test', NULL)$$, 'RDH04', NULL, 'unknown host');
SELECT throws_ok($$SELECT * FROM rd_ctx('alpha.test', repeat('c', 64))$$, 'RD401', NULL, 'unknown token');
SELECT throws_ok($$SELECT * FROM rd_ctx('beta.test', repeat('a', 64))$$, 'RD401', NULL, 'token of another tenant');
SELECT is((SELECT user_id FROM rd_ctx('alpha.test', repeat('a', 64))),
          (SELECT min(admin_user_id) FROM t), 'a valid token identifies its user');

-- The account chain: depth, and a cycle in corrupt data terminates.
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

SELECT * FROM finish();
