-- The tenant policies compare with the setting itself instead of calling rd_tenant(): schema files run before
-- the function files (migrations/functions/), so no schema object may depend on a function. A database
-- created from 0014_baseline.sql already has these; one upgraded from before the fold gets them here.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'users', 'access_tokens', 'roles', 'role_overrides', 'account_users',
                             'api2_roles', 'api2_role_permissions']
    LOOP
        EXECUTE format('DROP POLICY tenant_isolation ON %I', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I'
                       ' USING (tenant_id = NULLIF(current_setting(''rolesd.tenant_id'', true), '''')::bigint)'
                       ' WITH CHECK (tenant_id = NULLIF(current_setting(''rolesd.tenant_id'', true), '''')::bigint)', t);
    END LOOP;
END $$;
DROP POLICY tenant_self ON tenants;
CREATE POLICY tenant_self ON tenants USING (id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);
