-- Authentication reads one row: whether a token's user is active is kept on the token, instead of a join to
-- users on every request (callgrind: the authenticated floor, api.sys_noop, 324 k -> 289 k instructions).
-- Kept by the triggers of migrations/functions/50_users_tokens.sql: set from the user when a token is made,
-- and on every token of a user whose state changes, in the same transaction. Derived, like accounts.chain:
-- the audit trail leaves it out.
ALTER TABLE access_tokens ADD COLUMN user_active boolean NOT NULL DEFAULT true;

-- The tokens of users who are not active (the policies are forced for the owner: one tenant at a time).
DO $$
DECLARE
    t bigint;
BEGIN
    PERFORM set_config('rolesd.audit_off', 'on', true);
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('rolesd.tenant_id', t::text, true);
        UPDATE access_tokens a SET user_active = false
          FROM users u
         WHERE a.tenant_id = t AND u.tenant_id = t AND u.id = a.user_id AND u.workflow_state <> 'active';
    END LOOP;
    PERFORM set_config('rolesd.tenant_id', '', true);
    PERFORM set_config('rolesd.audit_off', '', true);
END $$;
