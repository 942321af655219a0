-- The request context can no longer be forged by the application role.
--
-- Until now rolesd_app read and wrote the tables directly, and row-level security trusted the setting
-- rolesd.tenant_id, which any session can SET. From here on rolesd_app holds no privilege on any table,
-- sequence or function of schema public: it can only EXECUTE the functions of schema api, each of which
-- is SECURITY DEFINER and first authenticates the request (host -> tenant, token -> user) itself, then sets
-- the settings for the rest of its own call (a function with a SET clause restores them on exit). So the
-- only way to a tenant's rows is a valid host and token in the same call.
--
-- The definer functions run as the owner; FORCE ROW LEVEL SECURITY makes the tenant policies apply to the
-- owner as well, so a query inside them that forgets a tenant_id condition still sees one tenant only.
-- tenants and tenant_hosts are the registry that decides the tenant (read before any tenant is known):
-- they keep RLS for others but are not forced, and rolesd_app cannot read either.
CREATE SCHEMA api;
GRANT USAGE ON SCHEMA api TO rolesd_app;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM rolesd_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM rolesd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE ON SEQUENCES FROM rolesd_app;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE access_tokens FORCE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
ALTER TABLE role_overrides FORCE ROW LEVEL SECURITY;
ALTER TABLE account_users FORCE ROW LEVEL SECURITY;
ALTER TABLE api2_roles FORCE ROW LEVEL SECURITY;
ALTER TABLE api2_role_permissions FORCE ROW LEVEL SECURITY;
