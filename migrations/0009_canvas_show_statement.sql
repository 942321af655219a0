-- GET /api/v1/accounts/:account_id/roles/:id as ONE inlinable query instead of five nested plpgsql calls.
--
-- Function statistics under load (2 workers, 64 connections) put rd_canvas_roles_show at 531 us a call, of
-- which rd_canvas_require 76, rd_canvas_chain 75, rd_account_resolve 35 and rd_canvas_role_find 31: most of
-- it executor start-up of each nested function's statements, not their work. rd_canvas_role_show is a SQL
-- set-returning function, so PostgreSQL inlines it (and the SQL functions it uses) into the caller's
-- prepared statement, whose plan each connection caches once.
--
-- Same checks in the same order as 0002's rd_canvas_roles_show (RD404 account, RDR04 role, RDU01
-- anonymous, RD403 with its DETAIL), the same body. The common forms are inline: numeric account ids and
-- `self`, numeric role ids, the caller holding a base role with the permission locked on (AccountAdmin);
-- every other form falls back to the 0002 function for that step, which raises its own error. Each step is
-- a LATERAL over the one before it, so they run in order.

-- The URL account (rd_account_resolve's contract): NULL for the forms it does not resolve inline.
CREATE FUNCTION rd_canvas_account_fast(p_ref text) RETURNS TABLE (id bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN p_ref ~ '^[0-9]{1,18}$'
                THEN (SELECT a.id FROM accounts a
                       WHERE a.tenant_id = rd_tenant() AND a.id = p_ref::bigint AND a.workflow_state = 'active')
                WHEN p_ref = 'self'
                THEN (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant())
           END
    $$;

-- rd_canvas_chain (0002) as an inlinable query: [C, parent(C), ..., root].
CREATE FUNCTION rd_canvas_chain_of(p_account bigint) RETURNS TABLE (ids bigint[])
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE walk (parent, path) AS (
        SELECT a.parent_account_id, ARRAY[a.id] FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.id = p_account
        UNION ALL
        SELECT n.parent_account_id, w.path || n.id
          FROM walk w
         CROSS JOIN LATERAL (SELECT a.id, a.parent_account_id FROM accounts a
                              WHERE a.tenant_id = rd_tenant() AND a.id = w.parent LIMIT 1) n
         WHERE w.parent IS NOT NULL AND NOT (w.parent = ANY (w.path)) AND cardinality(w.path) < 10000
    )
    SELECT w.path FROM walk w ORDER BY cardinality(w.path) DESC LIMIT 1
    $$;

-- rd_canvas_require (0002) as a boolean: true, or it raises.
CREATE FUNCTION rd_canvas_authorized(p_chain bigint[], p_perm text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$ BEGIN PERFORM rd_canvas_require(p_chain, p_perm); RETURN true; END $$;

-- The caller holds, on an active account of p_chain, an active membership of a base role type that has
-- p_perm locked on (rd_canvas_require's fast path).
CREATE FUNCTION rd_canvas_locked_on(p_chain bigint[], p_perm text) RETURNS TABLE (ok boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT EXISTS (
        SELECT 1
          FROM account_users au
          JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
          JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
          JOIN canvas_permissions p ON p.name = p_perm
          JOIN canvas_permission_bases b ON b.base_role_type = r.base_role_type AND b.ord = p.ord
         WHERE au.tenant_id = rd_tenant() AND au.user_id = rd_user() AND au.workflow_state = 'active'
           AND au.account_id = ANY (p_chain) AND a.workflow_state = 'active'
           AND r.workflow_state IN ('active', 'built_in')
           AND NOT b.available AND b.default_on AND p.conditions = '{}'
           AND (p.account_only IN ('none', 'account') OR (p.account_only = 'root' AND a.parent_account_id IS NULL)))
    $$;

-- rd_canvas_require (0002) with its fast path through rd_canvas_locked_on, so that the rule lives in one place.
CREATE OR REPLACE FUNCTION rd_canvas_require(p_chain bigint[], p_perm text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
    END IF;
    IF p_perm IS NULL OR (SELECT l.ok FROM rd_canvas_locked_on(p_chain, p_perm) l) THEN
        RETURN;
    END IF;
    IF NOT rd_canvas_user_has_on(rd_user(), p_chain, p_perm) THEN
        RAISE EXCEPTION 'user not authorized to perform that action' USING ERRCODE = 'RD403',
            DETAIL = json_build_object('permission', p_perm, 'account_id', p_chain[1])::text;
    END IF;
END $$;

-- Each step is a subquery fenced with OFFSET 0, so that it is computed once and later steps refer to its
-- result (without the fences the planner substitutes each step's expression into every later use: the role
-- lookup ran four times, and the render's arguments stopped it from being inlined).
CREATE FUNCTION rd_canvas_role_show(p_ref text, p_role text, p_perm text) RETURNS TABLE (body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT x.body
      FROM (SELECT coalesce(f.id, rd_account_resolve(p_ref)) AS id FROM rd_canvas_account_fast(p_ref) f OFFSET 0) acct
     CROSS JOIN LATERAL rd_canvas_chain_of(acct.id) c
     CROSS JOIN LATERAL (
           SELECT coalesce(
                      CASE WHEN p_role ~ '^[0-9]{1,18}$'
                           THEN (SELECT r.id FROM roles r
                                  WHERE r.tenant_id = rd_tenant() AND r.id = p_role::bigint
                                    AND r.workflow_state IN ('built_in', 'active', 'inactive')
                                    AND (r.workflow_state = 'built_in' OR r.account_id = ANY (c.ids))) END,
                      (rd_canvas_role_find(c.ids, p_role)).id) AS id
           OFFSET 0) role
     CROSS JOIN LATERAL (
           SELECT role.id,
                  CASE WHEN rd_user() IS NOT NULL AND p_perm IS NOT NULL
                            AND (SELECT l.ok FROM rd_canvas_locked_on(c.ids, p_perm) l) THEN true
                       ELSE rd_canvas_authorized(c.ids, p_perm) END AS ok
           OFFSET 0) auth
     CROSS JOIN LATERAL rd_canvas_roles_render(c.ids, ARRAY[CASE WHEN auth.ok THEN auth.id END]) x
    $$;

-- 0002's scalar form, for SQL callers (plpgsql, so that the inlined query's plan is cached).
CREATE OR REPLACE FUNCTION rd_canvas_roles_show(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$ BEGIN RETURN (SELECT s.body FROM rd_canvas_role_show(p_ref, p_role, p_perm) s); END $$;
