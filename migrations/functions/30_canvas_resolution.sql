-- Canvas resolution: overrides, locks and applies_to along the account chain, role JSON, and the authorisation checks built on them.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- [C, parent(C), ..., root]: the account's stored chain (0017), NULL if there is no such account here.
-- plpgsql so that plpgsql callers get a cached plan (a scalar SQL function with FROM is planned per call).
CREATE OR REPLACE FUNCTION rd_canvas_chain(p_account bigint) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT a.chain FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = p_account);
END $$;

-- Role JSON's "permissions" object is assembled by the C edge, not here.
--
-- rd_canvas_roles_render (0002) built the whole object in plpgsql: about 20 kB of text per role, copied out
-- of a 135-element array and patched per override. Measured with pgbench on 2 cores: 203 us of a 370 us GET
-- role went to rendering, 140 us of it array work. The permission catalogue's text never changes after
-- 0002, so each worker loads it once (rd_canvas_json_catalog below) and the SQL answer only says what
-- differs from the defaults. The resolution itself (rd_canvas_override_states) is unchanged.
--
-- The compact form replaces the value of "permissions" in the role object with
--
--     @<base_role_type>|<1 = URL account is a root, else 0>|<hidden>|<ord>:<state>,<ord>:<state>...@
--
-- hidden: D when the tenant keeps every condition at its default (the permissions hidden by default are
-- left out), else the '.'-separated ords hidden for the tenant (possibly none). The pairs are the override
-- states by ascending ord (state bits as in 0002). The marker cannot occur elsewhere in role JSON: it
-- follows the structural text "permissions": and every '"' inside a JSON string is escaped.
-- fcgi/canvas_json.c expands it (rd_canvas_json_expand); every Canvas role answer passes through it.

-- The state bits of one permission (0002's rule) from the topmost lock above the account (lock_v), the nearest
-- value above it (near_v), the account's own value and lock (own_v, own_locked) and the base type's default.
CREATE OR REPLACE FUNCTION rd_canvas_state_bits(lock_v int, near_v int, own_v int, own_locked boolean, default_state int)
    RETURNS int
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT (CASE WHEN lock_v IS NOT NULL THEN lock_v | 12
                 WHEN own_v IS NOT NULL
                      THEN own_v | 16 | (CASE WHEN own_locked THEN 4 ELSE 0 END)
                           | (CASE WHEN coalesce(near_v, default_state) <> 0 THEN 32 ELSE 0 END)
                 ELSE CASE coalesce(near_v, default_state) WHEN 2 THEN 3 WHEN 1 THEN 0
                           ELSE coalesce(near_v, default_state) END
            END)::int
    $$;

-- For each permission the role p_role has an override of on p_chain and that its base type p_base has
-- available: its ord and default, and the inputs of rd_canvas_state_bits at p_chain[1] (lock_v, near_v,
-- own_v, own_locked) and at a child of p_chain[1] without overrides (lock_below, near_below). The catalogue
-- is probed per overridden permission (canvas_permission_bases (base_role_type, permission)); the override
-- rows come from one range of role_overrides_role (tenant_id, role_id, account_id) with the chain as an
-- index condition. (n * 8 + v): max/min pick the row of the topmost / nearest account without an ordered
-- aggregate.
CREATE OR REPLACE FUNCTION rd_canvas_role_override_inputs(p_chain bigint[], p_role bigint, p_base text)
    RETURNS TABLE (ord int, default_state int, lock_v int, near_v int, own_v int, own_locked boolean,
                   lock_below int, near_below int)
    LANGUAGE sql STABLE
    AS $$
    SELECT b.ord, b.default_state::int, ov.lock_v, ov.near_v, ov.own_v, ov.own_locked, ov.lock_below, ov.near_below
      FROM (SELECT o.permission,
                   max(o.n * 8 + o.v) FILTER (WHERE o.n > 1 AND o.locked) % 8 AS lock_v,
                   min(o.n * 8 + o.v) FILTER (WHERE o.n > 1) % 8 AS near_v,
                   max(o.v) FILTER (WHERE o.n = 1) AS own_v,
                   bool_or(o.locked) FILTER (WHERE o.n = 1) AS own_locked,
                   max(o.n * 8 + o.v) FILTER (WHERE o.locked) % 8 AS lock_below,
                   min(o.n * 8 + o.v) % 8 AS near_below
              FROM (SELECT x.permission, x.locked, array_position(p_chain, x.account_id) AS n,
                           CASE WHEN x.enabled
                                THEN (CASE WHEN x.applies_to_self THEN 1 ELSE 0 END)
                                     | (CASE WHEN x.applies_to_descendants THEN 2 ELSE 0 END)
                                ELSE 0 END AS v
                      FROM role_overrides x
                     WHERE x.tenant_id = rd_tenant() AND x.role_id = p_role AND x.account_id = ANY (p_chain)) o
             GROUP BY o.permission) ov
      JOIN canvas_permission_bases b ON b.base_role_type = p_base AND b.permission = ov.permission AND b.available
    $$;

-- The override-driven states of one role at p_chain[1] (the rule of 0002): ord and state bits of each
-- permission the role has an override of on the chain and that its base type has available.
CREATE OR REPLACE FUNCTION rd_canvas_role_override_states(p_chain bigint[], p_role bigint, p_base text)
    RETURNS TABLE (ord int, state int)
    LANGUAGE sql STABLE
    AS $$
    SELECT i.ord, rd_canvas_state_bits(i.lock_v, i.near_v, i.own_v, i.own_locked, i.default_state)
      FROM rd_canvas_role_override_inputs(p_chain, p_role, p_base) i
    $$;

-- The same for any number of roles (role_id, ord, state).
CREATE OR REPLACE FUNCTION rd_canvas_override_states(p_chain bigint[], p_roles bigint[])
    RETURNS TABLE (role_id bigint, ord int, state int)
    LANGUAGE sql STABLE
    AS $$
    SELECT r.id, s.ord, s.state
      FROM roles r
     CROSS JOIN LATERAL rd_canvas_role_override_states(p_chain, r.id, r.base_role_type) s
     WHERE r.tenant_id = rd_tenant() AND r.id = ANY (p_roles)
    $$;

-- THE resolution function (§3.2, X = RC = C = p_account) for any number of roles in one query: the state
-- bits of every permission listed in role JSON at p_account (manageable there, conditions on), per role.
CREATE OR REPLACE FUNCTION rd_canvas_states(p_account bigint, p_roles bigint[])
    RETURNS TABLE (role_id bigint, ord int, state int)
    LANGUAGE sql STABLE
    AS $$
    WITH acct AS (
        SELECT a.parent_account_id IS NULL AS is_root FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.id = p_account
    ), hidden AS MATERIALIZED (
        SELECT rd_canvas_hidden_ords() AS ords
    ), chain AS MATERIALIZED (
        SELECT rd_canvas_chain(p_account) AS ids
    ), os AS (
        SELECT s.* FROM chain, rd_canvas_override_states(chain.ids, p_roles) s
    )
    SELECT r.id, p.ord, coalesce(os.state, b.default_state::int)
      FROM roles r
      CROSS JOIN acct
      CROSS JOIN hidden
      JOIN canvas_permission_bases b ON b.base_role_type = r.base_role_type
      JOIN canvas_permissions p ON p.ord = b.ord
      LEFT JOIN os ON os.role_id = r.id AND os.ord = p.ord
     WHERE r.tenant_id = rd_tenant() AND r.id = ANY (p_roles)
       AND rd_canvas_listed(p, acct.is_root) AND NOT (p.ord = ANY (hidden.ords))
    $$;

-- The same in readable form (one row per role and listed permission, JSON semantics of §2.9: prior_default
-- NULL unless explicit, applies_to_* NULL unless enabled). For SQL callers and tests.
CREATE OR REPLACE FUNCTION rd_canvas_resolve(p_account bigint, p_roles bigint[])
    RETURNS TABLE (role_id bigint, permission text, enabled boolean, locked boolean, readonly boolean,
                   explicit boolean, prior_default boolean, applies_to_self boolean,
                   applies_to_descendants boolean, grp text)
    LANGUAGE sql STABLE
    AS $$
    SELECT s.role_id, p.name, s.state & 3 <> 0, s.state & 4 <> 0, s.state & 8 <> 0, s.state & 16 <> 0,
           CASE WHEN s.state & 16 <> 0 THEN s.state & 32 <> 0 END,
           CASE WHEN s.state & 3 <> 0 THEN s.state & 1 <> 0 END,
           CASE WHEN s.state & 3 <> 0 THEN s.state & 2 <> 0 END,
           p.grp
      FROM rd_canvas_states(p_account, p_roles) s
      JOIN canvas_permissions p ON p.ord = s.ord
    $$;

-- Account JSON inside role JSON (§2.9). Quotas and time zone are Canvas' defaults; sis ids only below root.
-- JSON text here and in rd_canvas_role_text is one concat() call: each `||` is an operator whose function
-- the executor checks (EXECUTE privilege) and calls on every request, so a chain of twenty of them cost more
-- than the one call (callgrind: GET role 1.126 M -> 1.073 M instructions, list of 10 1.791 M -> 1.740 M).
-- concat() writes NULL as nothing and a boolean as t / f: nullable fields are coalesced, booleans spelled.
CREATE OR REPLACE FUNCTION rd_canvas_account_json(a accounts) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT concat('{"id":', a.id, ',"name":', to_json(a.name),
                  ',"parent_account_id":', coalesce(a.parent_account_id::text, 'null'),
                  ',"root_account_id":', coalesce(a.root_account_id::text, 'null'),
                  ',"workflow_state":', to_json(a.workflow_state),
                  ',"uuid":"', a.uuid, '"',
                  ',"default_storage_quota_mb":500,"default_user_storage_quota_mb":50',
                  ',"default_group_storage_quota_mb":50,"default_time_zone":"Etc/UTC"',
                  CASE WHEN a.parent_account_id IS NOT NULL
                       THEN concat(',"sis_account_id":', coalesce(to_json(a.sis_account_id)::text, 'null'), ',"integration_id":null') END,
                  '}')
    $$;

-- The pieces of role JSON, shared by the renderer below and GET role's fast path; all three inline into
-- their caller's query.
--
-- The override states of one role at p_chain[1] (rd_canvas_role_override_states), as the compact form's
-- "<ord>:<state>,..." by ascending ord; NULL without overrides.
-- What role_states stores (35_canvas_role_states.sql); Role JSON reads the stored form.
CREATE OR REPLACE FUNCTION rd_canvas_role_pairs(p_chain bigint[], p_role bigint, p_base text)
    RETURNS TABLE (pairs text)
    LANGUAGE sql STABLE
    AS $$
    SELECT string_agg(s.ord || ':' || s.state, ',' ORDER BY s.ord)
      FROM rd_canvas_role_override_states(p_chain, p_role, p_base) s
    $$;

-- The same at p_chain[1] (at_pairs) and at a child of it without overrides (below_pairs), in one pass: what
-- role_states stores for an account holding overrides of the role (35_canvas_role_states.sql).
CREATE OR REPLACE FUNCTION rd_canvas_role_anchor_pairs(p_chain bigint[], p_role bigint, p_base text)
    RETURNS TABLE (at_pairs text, below_pairs text)
    LANGUAGE sql STABLE
    AS $$
    SELECT string_agg(i.ord || ':' || rd_canvas_state_bits(i.lock_v, i.near_v, i.own_v, i.own_locked, i.default_state),
                      ',' ORDER BY i.ord),
           string_agg(i.ord || ':' || rd_canvas_state_bits(i.lock_below, i.near_below, NULL, NULL, i.default_state),
                      ',' ORDER BY i.ord)
      FROM rd_canvas_role_override_inputs(p_chain, p_role, p_base) i
    $$;

-- The compact form's "hidden" part from the tenant's settings: D when the tenant keeps every condition at its
-- default, else the hidden ords.
CREATE OR REPLACE FUNCTION rd_canvas_hidden_text(p_settings jsonb) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN p_settings -> 'canvas_conditions' IS NULL
                     OR jsonb_typeof(p_settings -> 'canvas_conditions') <> 'object'
                     OR p_settings -> 'canvas_conditions' = '{}' THEN 'D'
                ELSE array_to_string(rd_canvas_hidden_ords(), '.') END
    $$;

-- One role's JSON text in the compact form: p_root = the URL account is a root, p_account = the role's
-- ',"account":{...}' member or NULL. Both the head and the permissions are markers the C edge expands
-- (fcgi/canvas_json.c):
--   {"@R<id>|<workflow_state>|<base_role_type>|<created_at>|<updated_at>|<n>:<name>@  (times in whole seconds
--   since the epoch, the name raw after its length in bytes) becomes {"id":..,"role":..,"label":..,
--   "base_role_type":..,"workflow_state":..,"created_at":..,"last_updated_at":..,"is_account_role":.. with the
--   label, the base type shown and is_account_role from the catalogue (rd_canvas_json_catalog, kind 'r');
--   "permissions":@...@ as before.
-- The fields were JSON here before: the label's CASE, two to_char() and the concat() of 28 pieces cost about
-- 65 k instructions a role, where the head costs 15 k (callgrind; a list of 10 renders 7 roles).
CREATE OR REPLACE FUNCTION rd_canvas_role_text(x roles, p_root boolean, p_hidden text, p_pairs text, p_account text)
    RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT concat('{"@R', x.id, '|', x.workflow_state, '|', x.base_role_type,
                  '|', floor(date_part('epoch', x.created_at))::bigint, '|', floor(date_part('epoch', x.updated_at))::bigint,
                  '|', octet_length(x.name), ':', x.name,
                  '@,"permissions":@', x.base_role_type, '|', CASE WHEN p_root THEN '1' ELSE '0' END,
                  '|', p_hidden, '|', p_pairs, '@', p_account, '}')
    $$;

-- Role JSON of each role of p_roles at p_chain[1], in the compact form; ordered by role id. The tenant's row
-- is read once; each role's override states are the stored ones (rd_role_states_at, 35_canvas_role_states.sql),
-- one short index range.
CREATE OR REPLACE FUNCTION rd_canvas_roles_render(p_chain bigint[], p_roles bigint[])
    RETURNS TABLE (role_id bigint, body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT x.id, rd_canvas_role_text(x, cardinality(p_chain) = 1, rd_canvas_hidden_text(t.settings), o.pairs,
                                     (SELECT ',"account":' || rd_canvas_account_json(a) FROM accounts a
                                       WHERE a.tenant_id = x.tenant_id AND a.id = x.account_id))
      FROM tenants t
      JOIN roles x ON x.tenant_id = t.id
      LEFT JOIN LATERAL rd_role_states_at(p_chain, x.id) o ON true
     WHERE t.id = rd_tenant() AND x.id = ANY (p_roles)
     ORDER BY x.id
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- The caller's effective permission (§3.3)
-- ---------------------------------------------------------------------------------------------------------

-- Where the walk of one membership (role R held on U, du = U's depth, X at depth 0) stops and what it grants,
-- from the rows for (R, P) on the chain, each encoded k = depth * 8 + enabled * 4 + applies_to_self * 2 +
-- applies_to_descendants:
--   e      the first row from the root that stops the walk (locked, or at or below U and enabled);
--   a      the last row above U;   l   the last row;   has_u   U holds a row;   dflt   the base type's default.
-- The walk stops at e when e is at or above U (a lock above U, or U's own row); else at U when U holds no
-- row and the value there (a's, or the default) is on; else at e below U; else it ends with l. What it
-- stops at grants `self` when it is X's own row, else `descendants` (rd_canvas_walk_granted); the default
-- grants iff it is on.
CREATE OR REPLACE FUNCTION rd_canvas_walk_granted(k int) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE WHEN k / 8 = 0 THEN k & 6 = 6 ELSE k & 5 = 5 END $$;

CREATE OR REPLACE FUNCTION rd_canvas_walk(du int, dflt boolean, e int, a int, l int, has_u boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN e / 8 >= du THEN rd_canvas_walk_granted(e)
                WHEN NOT has_u AND coalesce(a & 4 <> 0, dflt) THEN coalesce(a & 1 <> 0, dflt)
                WHEN e IS NOT NULL THEN rd_canvas_walk_granted(e)
                WHEN l IS NOT NULL THEN rd_canvas_walk_granted(l)
                ELSE dflt END
    $$;

-- Whether p_user holds p_perm on p_chain[1] (p_chain: rd_canvas_chain of that account) through any live admin
-- membership (0027: active, on an active account of the chain, role not deleted: 0032). For a membership of
-- role R on U: root-only permissions never come through a sub-account membership, site-admin-only ones
-- never (rolesd has no Site Admin), a permission hidden for the tenant is locked off; a base type the
-- permission is not available to gets the default (hard lock); otherwise the walk of §3.1 with RC = U over
-- [root .. X], visiting only the accounts that matter (those with a row for (R, P), U and X): every row
-- replaces the value; a locked row stops; at U a value that is on stops ("a sub-account cannot revoke a
-- grant made above"); X without a row turns descendants-only into full and self-only into off. Granted iff
-- the final set holds `self` when X's own row was applied, else `descendants`.
--
-- The walk is one query, not a loop: it stops at a locked row, or at or below U once the value is on (a row
-- is on iff it is enabled, as it applies to self or to descendants or both), so where it stops and what it
-- ends with follow from four facts about the rows for (R, P) on the chain (rd_canvas_walk). One statement
-- instead of three (the permission, the memberships, a walk per membership), and no plpgsql in the
-- permission check's fast path (decision 5): callgrind, one permission at a leaf of 5 levels, 1.20 M ->
-- 1.17 M instructions a request. tests/sql/test_canvas_walk.sql compares it with the step-by-step walk.
CREATE OR REPLACE FUNCTION rd_canvas_user_holds(p_user bigint, p_chain bigint[], p_perm text) RETURNS TABLE (ok boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT EXISTS (
        SELECT 1
          FROM account_users au
          JOIN canvas_grants g ON g.base_role_type = au.role_type AND g.name = p_perm
         CROSS JOIN LATERAL (
               SELECT max(w.k) FILTER (WHERE w.locked OR (w.k / 8 <= w.du AND w.enabled)) AS e,
                      min(w.k) FILTER (WHERE w.k / 8 > w.du) AS a,
                      min(w.k) AS l,
                      coalesce(bool_or(w.k / 8 = w.du), false) AS has_u
                 FROM (SELECT o.locked, o.enabled, array_position(p_chain, au.account_id) - 1 AS du,
                              (array_position(p_chain, o.account_id) - 1) * 8 + o.enabled::int * 4
                              + o.applies_to_self::int * 2 + o.applies_to_descendants::int AS k
                         FROM role_overrides o
                        WHERE o.tenant_id = au.tenant_id AND o.role_id = au.role_id
                          AND o.account_id = ANY (p_chain) AND o.permission = p_perm) w
                WHERE g.available) x
         WHERE au.tenant_id = rd_tenant() AND au.user_id = p_user AND au.live AND au.account_id = ANY (p_chain)
           AND g.account_only <> 'site_admin' AND (g.account_only <> 'root' OR au.at_root)
           AND (g.conditions = '{}' OR NOT g.ord = ANY (rd_canvas_hidden_ords()))
           AND CASE WHEN NOT g.available THEN g.default_on
                    ELSE rd_canvas_walk(array_position(p_chain, au.account_id) - 1, g.default_on,
                                        x.e, x.a, x.l, x.has_u) END)
    $$;

-- The same as a boolean, for plpgsql callers (which cache its plan).
CREATE OR REPLACE FUNCTION rd_canvas_user_has_on(p_user bigint, p_chain bigint[], p_perm text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$ BEGIN RETURN (SELECT h.ok FROM rd_canvas_user_holds(p_user, p_chain, p_perm) h); END $$;

-- The same for an account id (computes the chain).
CREATE OR REPLACE FUNCTION rd_canvas_user_has(p_user bigint, p_account bigint, p_perm text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT rd_canvas_user_has_on(p_user, rd_canvas_chain(p_account), p_perm) $$;

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

-- Adds members to a role JSON object text ('{...}' -> '{...,extra}').
CREATE OR REPLACE FUNCTION rd_canvas_json_extend(p_body text, p_extra text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN p_extra IS NULL OR p_extra = '' THEN p_body
                      ELSE left(p_body, -1) || ',' || p_extra || '}' END $$;

-- One role's JSON at p_chain[1] (the writes' answer), as in 0002 but plpgsql: the renderer is now inlinable
-- SQL, and inside a SQL function it would be planned again on every call (plpgsql caches the plan).
CREATE OR REPLACE FUNCTION rd_canvas_role_body(p_chain bigint[], p_role bigint, p_warnings text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
BEGIN
    RETURN (SELECT rd_canvas_json_extend(x.body, CASE WHEN p_warnings IS NOT NULL THEN '"warnings":' || p_warnings END)
              FROM rd_canvas_roles_render(p_chain, ARRAY[p_role]) x);
END $$;

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
CREATE OR REPLACE FUNCTION rd_canvas_account_fast(p_ref text) RETURNS TABLE (id bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN p_ref ~ '^[0-9]{1,18}$'
                THEN (SELECT a.id FROM accounts a
                       WHERE a.tenant_id = rd_tenant() AND a.id = p_ref::bigint AND a.workflow_state = 'active')
                WHEN p_ref = 'self'
                THEN (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant())
           END
    $$;

-- rd_canvas_chain as an inlinable query: [C, parent(C), ..., root].
CREATE OR REPLACE FUNCTION rd_canvas_chain_of(p_account bigint) RETURNS TABLE (ids bigint[])
    LANGUAGE sql STABLE
    AS $$ SELECT a.chain FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = p_account $$;

-- rd_canvas_require (0002) as a boolean: true, or it raises.
CREATE OR REPLACE FUNCTION rd_canvas_authorized(p_chain bigint[], p_perm text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$ BEGIN PERFORM rd_canvas_require(p_chain, p_perm); RETURN true; END $$;

-- The caller holds, on an active account of p_chain, an active membership of a base role type that has
-- p_perm locked on (rd_canvas_require's fast path). A live membership (0027) is one of those: active, on an
-- active account, of a role not deleted (active, inactive or built-in). It is the case of rd_canvas_user_holds that needs no
-- override rows (a locked default ends the walk before it starts), kept as its own query because it is the
-- cheap test every authorised request makes (about 150 k instructions against the walk's 420 k).
CREATE OR REPLACE FUNCTION rd_canvas_locked_on(p_chain bigint[], p_perm text) RETURNS TABLE (ok boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT EXISTS (
        SELECT 1
          FROM account_users au
          JOIN canvas_grants g ON g.base_role_type = au.role_type AND g.name = p_perm
         WHERE au.tenant_id = rd_tenant() AND au.user_id = rd_user() AND au.live AND au.account_id = ANY (p_chain)
           AND NOT g.available AND g.default_on AND g.conditions = '{}'
           AND (g.account_only IN ('none', 'account') OR (g.account_only = 'root' AND au.at_root)))
    $$;

-- GET role's fast path: the role JSON (the compact form of rd_canvas_roles_render) when the request is the
-- common case — the URL account a numeric id or `self`, active; the role a numeric id visible there; a caller
-- whose base role has the route's permission locked on (rd_canvas_locked_on) — and NULL otherwise, when
-- api.canvas_roles_show falls back to rd_canvas_roles_show, which answers every form and raises every error
-- in the spec's order. The fast path never raises, so the wrapper needs no exception block (subtransaction)
-- for it.
--
-- It is rd_canvas_role_show flattened to one join of tenants, accounts and roles with three subqueries
-- (the caller's locked-on membership, the override states, the role's account), each table read once by
-- primary key. Measured by callgrind (instructions a GET role, leaf of 5 levels, 20 overrides, out of
-- 1.93 M): 1.61 M. The older plan read the tenants row three times, the chain's account twice, the role
-- once per override, and scanned every account and every override of the tenant (a bitmap scan keyed on the
-- tenant alone), which grew with the tenant.
CREATE OR REPLACE FUNCTION rd_canvas_role_get_fast(p_ref text, p_role text, p_perm text) RETURNS TABLE (body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN r.id IS NOT NULL AND rd_user() IS NOT NULL
                     AND (p_perm IS NULL OR (SELECT l.ok FROM rd_canvas_locked_on(a.chain, p_perm) l))
           THEN rd_canvas_role_text(r, cardinality(a.chain) = 1, rd_canvas_hidden_text(t.settings),
                                    (SELECT o.pairs FROM rd_role_states_at(a.chain, r.id) o),
                                    (SELECT ',"account":' || rd_canvas_account_json(ra) FROM accounts ra
                                      WHERE ra.tenant_id = t.id AND ra.id = r.account_id))
           END
      FROM tenants t
      LEFT JOIN accounts a
             ON a.tenant_id = t.id AND a.workflow_state = 'active'
            AND a.id = CASE WHEN p_ref ~ '^[0-9]{1,18}$' THEN p_ref::bigint
                            WHEN p_ref = 'self' THEN (SELECT t2.root_account_id FROM tenants t2 WHERE t2.id = rd_tenant()) END
      LEFT JOIN roles r
             ON r.tenant_id = t.id AND r.id = CASE WHEN p_role ~ '^[0-9]{1,18}$' THEN p_role::bigint END
            AND r.workflow_state IN ('built_in', 'active', 'inactive')
            AND (r.workflow_state = 'built_in' OR r.account_id = ANY (a.chain))
     WHERE t.id = rd_tenant()
    $$;
