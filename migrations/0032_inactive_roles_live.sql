-- A deactivated role keeps working for those who hold it (Canvas' "Deactivate a role": "Existing users
-- assigned to the role will continue to function with the same permissions they had previously"): the
-- memberships of inactive roles count again (account_users.live, 0027). The trigger that computes live
-- (migrations/functions/60_admins.sql) is still the old one while schema files run, so it is switched off
-- for this update where it exists (a fresh database has neither trigger nor rows).
DO $$
DECLARE
    t bigint;
    has_trigger boolean := EXISTS (SELECT 1 FROM pg_trigger
                                    WHERE tgrelid = 'account_users'::regclass AND tgname = 'account_users_facts');
BEGIN
    IF has_trigger THEN
        ALTER TABLE account_users DISABLE TRIGGER account_users_facts;
    END IF;
    PERFORM set_config('rolesd.audit_off', 'on', true);
    -- the policies are forced for the owner: one tenant at a time
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('rolesd.tenant_id', t::text, true);
        UPDATE account_users au
           SET live = au.workflow_state = 'active' AND a.workflow_state = 'active'
          FROM roles r, accounts a
         WHERE au.tenant_id = t AND r.tenant_id = t AND r.id = au.role_id AND r.workflow_state = 'inactive'
           AND a.tenant_id = t AND a.id = au.account_id
           AND au.live IS DISTINCT FROM (au.workflow_state = 'active' AND a.workflow_state = 'active');
    END LOOP;
    PERFORM set_config('rolesd.tenant_id', '', true);
    PERFORM set_config('rolesd.audit_off', '', true);
    IF has_trigger THEN
        ALTER TABLE account_users ENABLE TRIGGER account_users_facts;
    END IF;
END $$;
