-- One tenant for a pgTAP test that works inside it, included with \ir after `\set tenant <Name>`: table t
-- (rd_tenant_create's row: tenant_id, root_account_id, admin_user_id, token_id; readable by both roles), and
-- the session as rolesd_owner with the tenant's setting. Host <name>.test, an administrator "Admin", a token
-- hash derived from the name. The caller's setting (rolesd.user_id), where a test needs one, is its own.
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create(:'tenant', ARRAY[lower(:'tenant') || '.test'], 'Admin',
                               encode(sha256(convert_to(:'tenant', 'UTF8')), 'hex'), left(md5(:'tenant'), 5));
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
