-- The result of rd_auth() (migrations/functions/00_context.sql), the request context of every api.* call, as
-- a named composite type instead of the OUT parameters of the former rd_authenticate(). PostgreSQL builds a
-- function's OUT-parameter row type from its pg_proc entry at every call; a named type's descriptor comes from
-- the type cache. With the host lookup as SELECT ... INTO instead of a sub-select assignment, the authenticated
-- floor (api.sys_noop) is 16.5 k instructions less a request (287.5 k -> 271.0 k, callgrind).
CREATE TYPE rd_auth_result AS (err text, msg text, tenant_id bigint, user_id bigint);
