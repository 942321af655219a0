-- The Canvas permission catalogue: conditions, state fragments, which permissions an account lists.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- ---------------------------------------------------------------------------------------------------------
-- Small helpers
-- ---------------------------------------------------------------------------------------------------------

-- The JSON members of one permission state (the bits above), in Canvas' key order.
CREATE OR REPLACE FUNCTION rd_canvas_state_json(s int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT '"explicit":' || (s & 16 <> 0) || ',"readonly":' || (s & 8 <> 0) || ',"enabled":' || (s & 3 <> 0)
           || CASE WHEN s & 3 <> 0
                   THEN ',"applies_to_descendants":' || (s & 2 <> 0) || ',"applies_to_self":' || (s & 1 <> 0)
                   ELSE '' END
           || ',"locked":' || (s & 4 <> 0)
           || CASE WHEN s & 16 <> 0 THEN ',"prior_default":' || (s & 32 <> 0) ELSE '' END
    $$;

-- All 64 fragments, indexed by state + 1. IMMUTABLE with no arguments: the planner folds it to a constant.
CREATE OR REPLACE FUNCTION rd_canvas_state_frags() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_agg(rd_canvas_state_json(s) ORDER BY s) FROM generate_series(0, 63) s $$;

-- Whether a condition is on, given the tenant's canvas_conditions object (NULL = all defaults).
CREATE OR REPLACE FUNCTION rd_canvas_condition_on(p_conds jsonb, p_name text, p_default boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN jsonb_typeof(p_conds -> p_name) = 'boolean' THEN (p_conds -> p_name)::boolean
                ELSE p_default END
    $$;

-- The current tenant's canvas_conditions settings object, NULL when it sets nothing (all defaults).
CREATE OR REPLACE FUNCTION rd_canvas_tenant_conditions() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    cc jsonb;
BEGIN
    SELECT t.settings -> 'canvas_conditions' INTO cc FROM tenants t WHERE t.id = rd_tenant();
    IF cc IS NULL OR jsonb_typeof(cc) <> 'object' OR cc = '{}' THEN
        RETURN NULL;
    END IF;
    RETURN cc;
END $$;

-- The condition names that are off for the current tenant.
CREATE OR REPLACE FUNCTION rd_canvas_conditions_off() RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    cc jsonb := rd_canvas_tenant_conditions();
BEGIN
    RETURN (SELECT coalesce(array_agg(c.name ORDER BY c.name), '{}') FROM canvas_conditions c
             WHERE NOT rd_canvas_condition_on(cc, c.name, c.default_on));
END $$;

-- The ords of the permissions hidden for the current tenant because one of their conditions is off.
-- rolesd.assume_conditions_on (comma-separated names, set for its own transaction by explain only) makes
-- those conditions count as on: explain asks what would grant a permission once its condition is switched.
CREATE OR REPLACE FUNCTION rd_canvas_hidden_ords() RETURNS int[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    cc jsonb := rd_canvas_tenant_conditions();
    assumed text[] := string_to_array(NULLIF(current_setting('rolesd.assume_conditions_on', true), ''), ',');
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT o), '{}') FROM canvas_conditions c CROSS JOIN unnest(c.ords) o
             WHERE NOT rd_canvas_condition_on(cc, c.name, c.default_on)
               AND NOT (assumed IS NOT NULL AND c.name = ANY (assumed)));
END $$;

-- Canvas role label (§1.2).
CREATE OR REPLACE FUNCTION rd_canvas_role_label(p_name text, p_workflow_state text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_workflow_state <> 'built_in' THEN p_name
                ELSE CASE p_name WHEN 'StudentEnrollment' THEN 'Student' WHEN 'TeacherEnrollment' THEN 'Teacher'
                                 WHEN 'TaEnrollment' THEN 'TA' WHEN 'DesignerEnrollment' THEN 'Designer'
                                 WHEN 'ObserverEnrollment' THEN 'Observer' WHEN 'AccountAdmin' THEN 'Account Admin'
                                 ELSE p_name END END
    $$;

-- A JSON string literal, or null. STABLE like to_json itself: a SQL function is only inlined into the
-- calling query when it is declared no less volatile than its body; not inlined, each call costs a full
-- SQL-function execution (measured: ~30 us instead of ~1 us).
CREATE OR REPLACE FUNCTION rd_canvas_jstr(p text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(to_json(p)::text, 'null') $$;

-- rd_iso (0001) as an inlinable function: rd_iso is declared IMMUTABLE around the STABLE to_char, which
-- keeps the planner from inlining it.
CREATE OR REPLACE FUNCTION rd_canvas_iso(ts timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- p without surrounding whitespace, Unicode's White_Space as rd_canvas_blank names it: what Python's
-- str.strip() (MediaCore, api2 display names) removes.
CREATE OR REPLACE FUNCTION rd_strip_space(p text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT regexp_replace(p, '^[[:space:]\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[[:space:]\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$', '', 'g')
    $$;

-- Rails' String#blank?: NULL, empty or whitespace only. Ruby's [[:space:]] is Unicode's White_Space (no-break
-- and ideographic spaces too); PostgreSQL's follows the database's ctype, which may not know them, so they are
-- named.
CREATE OR REPLACE FUNCTION rd_canvas_blank(p text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT p IS NULL OR p ~ '^[[:space:]\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$' $$;

-- Writes are refused while the tenant is in read-only mode (503, Retry-After).
CREATE OR REPLACE FUNCTION rd_canvas_writable() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF (SELECT t.read_only FROM tenants t WHERE t.id = rd_tenant()) THEN
        RAISE EXCEPTION 'This site is in read-only mode' USING ERRCODE = 'RDRO1';
    END IF;
END $$;

-- RD400: Canvas {"message": p_message} with status 400.
CREATE OR REPLACE FUNCTION rd_canvas_bad(p_message text) RETURNS void
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION '%', p_message USING ERRCODE = 'RD400'; END $$;

-- The root account of p_account's tree.
CREATE OR REPLACE FUNCTION rd_canvas_root_of(p_account bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(a.root_account_id, a.id) FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.id = p_account);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Manageable permissions (§1.4) and per-base defaults
-- ---------------------------------------------------------------------------------------------------------

-- Whether permission p is manageable on a root / sub-account, conditions aside: rolesd has no Site Admin
-- account, so site_admin-only permissions never are; root-only ones only on the root account.
CREATE OR REPLACE FUNCTION rd_canvas_manageable_on(p canvas_permissions, p_is_root boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT p.account_only IN ('none', 'account') OR (p.account_only = 'root' AND p_is_root) $$;

-- Whether it is listed in role JSON there (§2.9: manageable, minus manage_developer_keys below the root).
CREATE OR REPLACE FUNCTION rd_canvas_listed(p canvas_permissions, p_is_root boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT rd_canvas_manageable_on(p, p_is_root) AND NOT (p.json_root_only AND NOT p_is_root) $$;

-- Manageable permissions of an account (§1.4): manageable there and every condition on for the tenant.
CREATE OR REPLACE FUNCTION rd_manageable_permissions(p_account bigint)
    RETURNS TABLE (permission text, ord int, grp text)
    LANGUAGE sql STABLE
    AS $$
    WITH acct AS (
        SELECT a.parent_account_id IS NULL AS is_root FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.id = p_account
    ), hidden AS MATERIALIZED (
        SELECT rd_canvas_hidden_ords() AS ords
    )
    SELECT p.name, p.ord, p.grp
      FROM canvas_permissions p, acct, hidden
     WHERE rd_canvas_manageable_on(p, acct.is_root) AND NOT (p.ord = ANY (hidden.ords))
    $$;

-- Defaults of §3.1 step 1 for a base role type (all permissions when p_permissions is NULL): on by default
-- (and allowed for the tenant), hard-locked (not available to the base type, or a condition is off).
-- Shaped for the effective-permission code of other endpoints (admins, permission checks).
CREATE OR REPLACE FUNCTION rd_permission_defaults(p_base text, p_permissions text[])
    RETURNS TABLE (permission text, default_on boolean, hard_locked boolean, account_only text)
    LANGUAGE sql STABLE
    AS $$
    WITH hidden AS MATERIALIZED (SELECT rd_canvas_hidden_ords() AS ords)
    SELECT p.name, b.default_on AND NOT (p.ord = ANY (hidden.ords)),
           NOT b.available OR p.ord = ANY (hidden.ords), p.account_only
      FROM canvas_permissions p
      JOIN canvas_permission_bases b ON b.ord = p.ord AND b.base_role_type = p_base
     CROSS JOIN hidden
     WHERE p_permissions IS NULL OR p.name = ANY (p_permissions)
    $$;

-- What a worker needs to expand the compact form, one row per piece: kind 'm' = the default member text of
-- (base_role_type, is_root, ord), with hidden_by_default; 'p' = the text around a state fragment of ord
-- (json_head in member, json_tail in base_role_type); 's' = the fragment of state ord - 1; 'r' = what a role's
-- head needs of its base_role_type (below).
CREATE OR REPLACE FUNCTION rd_canvas_json_catalog()
    RETURNS TABLE (kind text, base_role_type text, is_root boolean, ord int, member text, hidden_by_default boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT 'm', d.base_role_type, d.is_root, o, d.members[o], d.members_default[o] IS NULL AND d.members[o] IS NOT NULL
      FROM canvas_json_defaults d, generate_subscripts(d.members, 1) o
    UNION ALL
    SELECT 'p', p.json_tail, NULL, p.ord, p.json_head, NULL FROM canvas_permissions p
    UNION ALL
    SELECT 's', NULL, NULL, s + 1, rd_canvas_state_json(s), NULL FROM generate_series(0, 63) s
    UNION ALL
    -- per base role type: the label of the built-in role of that name, whether its roles are account roles
    -- (is_root column: is_account_role), and whether a built-in role of that type shows AccountMembership as
    -- its base_role_type (hidden_by_default column), as Canvas' Role JSON does for the two account types
    SELECT 'r', b.base_role_type, b.base_role_type IN ('AccountAdmin', 'AccountMembership'), 1,
           rd_canvas_role_label(b.base_role_type, 'built_in'), b.base_role_type IN ('AccountAdmin', 'AccountMembership')
      FROM (SELECT DISTINCT base_role_type FROM canvas_permission_bases) b
    $$;

-- The request that turns condition p_name on for the current tenant, as {method, path, params} (params: form
-- fields, string values), through the API that switches it (canvas_conditions.kind, 0021): a feature flag
-- on the root account, or an account setting of the root account. NULL for an unknown name.
CREATE OR REPLACE FUNCTION rd_condition_fix(p_name text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE c.kind
           WHEN 'feature' THEN jsonb_build_object('method', 'PUT',
                   'path', format('/api/v1/accounts/%s/features/flags/%s', t.root_account_id, c.api_name),
                   'params', jsonb_build_object('state', 'on'))
           ELSE jsonb_build_object('method', 'PUT', 'path', format('/api/v1/accounts/%s', t.root_account_id),
                   'params', jsonb_build_object(format('account[settings][%s]', c.api_name), c.on_value #>> '{}'))
           END
      FROM canvas_conditions c, tenants t
     WHERE c.name = p_name AND t.id = rd_tenant()
    $$;

-- canvas_grants (0028), the catalogue's (base role type, permission) rows as the hot reads ask for them:
-- rebuilt whole (about a thousand rows) after any change of either source table, in the same transaction.
CREATE OR REPLACE FUNCTION rd_canvas_grants_rebuild() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM canvas_grants;
    INSERT INTO canvas_grants (base_role_type, name, ord, available, default_on, account_only, conditions)
    SELECT b.base_role_type, p.name, p.ord, b.available, b.default_on, p.account_only, p.conditions
      FROM canvas_permission_bases b JOIN canvas_permissions p ON p.ord = b.ord;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER canvas_grants_from_permissions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON canvas_permissions FOR EACH STATEMENT EXECUTE PROCEDURE rd_canvas_grants_rebuild();
CREATE OR REPLACE TRIGGER canvas_grants_from_bases AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON canvas_permission_bases FOR EACH STATEMENT EXECUTE PROCEDURE rd_canvas_grants_rebuild();
