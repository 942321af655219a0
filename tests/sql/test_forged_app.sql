-- What a connection as rolesd_app cannot do through the entry points (a compromised or buggy application,
-- README "Threat model"): ask for a weaker permission check, forge the settings that the functions below
-- the entry points read, or touch another user's idempotent answer. Each case was found open once.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Gamma', ARRAY['gamma.test'], 'Gail', repeat('d', 64), 'ddddd');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
-- Pat: a user of the tenant with a token and no membership anywhere
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
WITH u AS (
    INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
    SELECT rd_tenant(), 'Pat', 'Pat', 'Pat', 'pat', root_account_id FROM t RETURNING id)
INSERT INTO access_tokens (tenant_id, user_id, token_hash, token_hint, purpose)
SELECT rd_tenant(), u.id, decode(repeat('e', 64), 'hex'), 'eeeee', 'test' FROM u;
SELECT set_config('rolesd.tenant_id', '', false);
RESET ROLE;

SET ROLE rolesd_app;
-- 1. The permission an endpoint requires is the entry point's own: no argument names it (a NULL one
--    switched the check off, a weaker one asked for less).
SELECT is(split_part(api.canvas_roles_create('gamma.test', repeat('e', 64), 'self', NULL, 'Evil', NULL,
                                             'AccountMembership', NULL), ',', 3), 'RD403',
          'a user without manage_role_overrides creates no role');
SELECT is((SELECT ctx_err FROM api.admins_list('gamma.test', repeat('e', 64), 'self', NULL, NULL, 10)
            WHERE ctx_err IS NOT NULL), 'RD403', 'nor lists the admins');
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'api' AND p.proargnames && ARRAY['p_perm', 'perm']), 0::bigint,
          'no entry point takes a permission');
SELECT is(split_part(api.canvas_roles_create('gamma.test', repeat('d', 64), 'self', NULL, 'Legit', NULL,
                                             'AccountMembership', NULL), ',', 3), '',
          'the tenant''s admin does');

-- 2. explain's assumption of permission conditions, made by hand, is not trusted
SELECT is(substr(a, strpos(a, E'\n') + 1)::json ->> 'granted', 'false',
          'manage_catalog is off while its condition is')
  FROM api.permissions_check_one('gamma.test', repeat('d', 64), 'self', 'manage_catalog') a;
SET rolesd.assume_conditions_on = 'catalog_enabled';
SELECT is(substr(a, strpos(a, E'\n') + 1)::json ->> 'granted', 'false',
          'and stays off under a forged assumption')
  FROM api.permissions_check_one('gamma.test', repeat('d', 64), 'self', 'manage_catalog') a;
RESET rolesd.assume_conditions_on;

-- 3. the audit trail cannot be switched off by hand (in the application's session: session_user rolesd_app)
RESET ROLE;
SET SESSION AUTHORIZATION rolesd_app;
SET rolesd.audit_off = 'on';
SELECT is(split_part(api.canvas_roles_create('gamma.test', repeat('d', 64), 'self', NULL, 'Ghost', NULL,
                                             'AccountMembership', NULL, 'req-ghost'), ',', 3), '',
          'a write under a forged audit_off');
RESET rolesd.audit_off;
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM audit_events WHERE request_id = 'req-ghost' AND entity = 'role'), 1::bigint,
          'is audited all the same');

-- 4. an idempotent answer is stored by the caller that claimed the key, once
SET ROLE rolesd_app;
SELECT is((SELECT o_state FROM api.idem_begin('gamma.test', repeat('d', 64), 'k1', 'fp', 60) WHERE o_state IS NOT NULL),
          'new', 'Gail claims a key');
SELECT is(split_part(api.idem_finish('gamma.test', repeat('d', 64), 'k1', 200, 'h', 'good'), ',', 3), '',
          'and stores its answer');
SELECT is(split_part(api.idem_finish('gamma.test', repeat('e', 64), 'k1', 200, 'h', 'forged by Pat'), ',', 3), '',
          'Pat''s finish of Gail''s key answers nothing wrong');
SELECT is(split_part(api.idem_finish('gamma.test', repeat('d', 64), 'k1', 200, 'h', 'again'), ',', 3), '',
          'nor does a second finish of a stored answer');
RESET ROLE;
SELECT is((SELECT body FROM idempotency_keys WHERE key = 'k1'), 'good', 'the stored answer is Gail''s first');

SELECT * FROM finish();
