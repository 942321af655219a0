-- A token carries whether its user is active (access_tokens.user_active, 0026, kept by the triggers of
-- 50_users_tokens.sql), and authentication reads only the token: a user's change of state reaches every
-- token of theirs in the same transaction, a token made for an inactive user is refused, the flag cannot be
-- written against its user, and the audit trail leaves the derived change out.
SELECT no_plan();
\set tenant Tokens
\ir lib/one_tenant.sql

CREATE TEMP TABLE u AS
WITH n AS (
    INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
    SELECT rd_tenant(), 'U' || i, 'U' || i, 'U' || i, 'u' || i, (SELECT root_account_id FROM t)
      FROM generate_series(1, 3) i
    RETURNING id, name)
SELECT * FROM n;
GRANT SELECT ON u TO rolesd_owner;
-- two tokens each: hashes ...0b, ...0c for U1 (10 * user + k), and so on
INSERT INTO access_tokens (tenant_id, user_id, token_hash, token_hint, purpose)
SELECT rd_tenant(), u.id, decode(lpad(to_hex(10 * substr(u.name, 2)::int + k), 64, '0'), 'hex'), 'x', 'test'
  FROM u CROSS JOIN generate_series(1, 2) k;

CREATE FUNCTION pg_temp.auth(p_user int, p_k int) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(a.err || ' ' || a.msg, 'user ' || (a.user_id = (SELECT id FROM u WHERE name = 'U' || p_user))::text)
      FROM rd_auth('tokens.test', lpad(to_hex(10 * p_user + p_k), 64, '0')) a $$;
CREATE FUNCTION pg_temp.mismatched() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM access_tokens a JOIN users x ON x.tenant_id = a.tenant_id AND x.id = a.user_id
     WHERE a.user_active IS DISTINCT FROM (x.workflow_state = 'active') $$;

SELECT is(pg_temp.auth(2, 1), 'user true', 'an active user''s token authenticates');
SELECT is((SELECT count(*) FROM access_tokens WHERE user_active), 7::bigint, 'every token starts active (the admin''s too)');

CREATE TEMP TABLE audit_before AS SELECT count(*) AS n FROM audit_events;
GRANT SELECT ON audit_before TO rolesd_owner;
UPDATE users SET workflow_state = 'deleted' WHERE name = 'U2';
SELECT is(pg_temp.auth(2, 1), 'RD401 Invalid access token.', 'a deleted user''s first token is refused');
SELECT is(pg_temp.auth(2, 2), 'RD401 Invalid access token.', 'and the second');
SELECT is(pg_temp.auth(1, 1), 'user true', 'another user''s token still authenticates');
SELECT is((SELECT current_setting('rolesd.user_id', true) || '/' || current_setting('rolesd.token_id', true)
             FROM rd_auth('tokens.test', lpad(to_hex(21), 64, '0')) a), '/',
          'a refused token leaves no caller and no token set');
SELECT is(pg_temp.mismatched(), 0::bigint, 'every token agrees with its user');
SELECT is((SELECT count(*) FROM audit_events), (SELECT n FROM audit_before),
          'the copy of the user''s state is not an audit event');

UPDATE access_tokens SET user_active = true WHERE user_id = (SELECT id FROM u WHERE name = 'U2');
SELECT is(pg_temp.auth(2, 1), 'RD401 Invalid access token.', 'writing the flag by hand does not revive a token');

INSERT INTO access_tokens (tenant_id, user_id, token_hash, token_hint, purpose)
VALUES (rd_tenant(), (SELECT id FROM u WHERE name = 'U2'), decode(lpad('2f', 64, '0'), 'hex'), 'x', 'test');
SELECT is((SELECT user_active FROM access_tokens WHERE token_hash = decode(lpad('2f', 64, '0'), 'hex')), false,
          'a token made for a deleted user is not active');

UPDATE users SET workflow_state = 'active' WHERE name = 'U2';
SELECT is(pg_temp.auth(2, 2), 'user true', 'the user made active again: the token authenticates again');
SELECT is(pg_temp.mismatched(), 0::bigint, 'every token agrees with its user again');

UPDATE access_tokens SET user_id = (SELECT id FROM u WHERE name = 'U3') WHERE token_hash = decode(lpad('2f', 64, '0'), 'hex');
UPDATE users SET workflow_state = 'deleted' WHERE name = 'U3';
UPDATE access_tokens SET user_id = (SELECT id FROM u WHERE name = 'U1') WHERE token_hash = decode(lpad('2f', 64, '0'), 'hex');
SELECT is(pg_temp.mismatched(), 0::bigint, 'a token given to another user takes that user''s state');
SELECT is(pg_temp.auth(3, 1), 'RD401 Invalid access token.', 'U3 deleted: refused');

SELECT * FROM finish();
