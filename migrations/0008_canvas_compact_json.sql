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

-- The override-driven states of 0002, same contract and result, with the catalogue probed per overridden
-- permission (canvas_permission_bases (base_role_type, permission)): the generic plan of 0002 hashed all 1080
-- catalogue rows on every call. The override rows come from one scan of role_overrides_role (tenant_id,
-- role_id, account_id) with both arrays as index conditions; a LATERAL probe per chain account measured 30%
-- slower at depth 100 and the same at depth 5.
CREATE OR REPLACE FUNCTION rd_canvas_override_states(p_chain bigint[], p_roles bigint[])
    RETURNS TABLE (role_id bigint, ord int, state int)
    LANGUAGE sql STABLE
    AS $$
    WITH o AS (
        SELECT x.role_id, x.permission, x.locked, array_position(p_chain, x.account_id) AS n,
               CASE WHEN x.enabled
                    THEN (CASE WHEN x.applies_to_self THEN 1 ELSE 0 END)
                         | (CASE WHEN x.applies_to_descendants THEN 2 ELSE 0 END)
                    ELSE 0 END AS v
          FROM role_overrides x
         WHERE x.tenant_id = rd_tenant() AND x.role_id = ANY (p_roles) AND x.account_id = ANY (p_chain)
    ), ov AS (
        -- (n * 8 + v): max/min pick the row of the topmost / nearest account without an ordered aggregate
        SELECT o.role_id, o.permission,
               max(o.n * 8 + o.v) FILTER (WHERE o.n > 1 AND o.locked) % 8 AS lock_v,
               min(o.n * 8 + o.v) FILTER (WHERE o.n > 1) % 8 AS near_v,
               max(o.v) FILTER (WHERE o.n = 1) AS own_v,
               bool_or(o.locked) FILTER (WHERE o.n = 1) AS own_locked
          FROM o
         GROUP BY o.role_id, o.permission
    )
    SELECT ov.role_id, b.ord,
           CASE WHEN ov.lock_v IS NOT NULL THEN ov.lock_v | 12
                WHEN ov.own_v IS NOT NULL
                     THEN ov.own_v | 16 | (CASE WHEN ov.own_locked THEN 4 ELSE 0 END)
                          | (CASE WHEN coalesce(ov.near_v, b.default_state) <> 0 THEN 32 ELSE 0 END)
                ELSE CASE coalesce(ov.near_v, b.default_state) WHEN 2 THEN 3 WHEN 1 THEN 0
                          ELSE coalesce(ov.near_v, b.default_state) END
           END::int
      FROM ov
     CROSS JOIN LATERAL (
           SELECT pb.ord, pb.default_state
             FROM roles r
             JOIN canvas_permission_bases pb ON pb.base_role_type = r.base_role_type AND pb.permission = ov.permission
            WHERE r.tenant_id = rd_tenant() AND r.id = ov.role_id AND pb.available
            LIMIT 1) b
    $$;

-- Role JSON of each role of p_roles at p_chain[1], in the compact form; ordered by role id.
CREATE OR REPLACE FUNCTION rd_canvas_roles_render(p_chain bigint[], p_roles bigint[])
    RETURNS TABLE (role_id bigint, body text)
    LANGUAGE sql STABLE
    AS $$
    WITH h AS MATERIALIZED (
        -- rd_canvas_tenant_conditions() inline: D unless the tenant sets a condition
        SELECT CASE WHEN s.c IS NULL OR jsonb_typeof(s.c) <> 'object' OR s.c = '{}' THEN 'D'
                    ELSE array_to_string(rd_canvas_hidden_ords(), '.') END AS hidden
          FROM (SELECT (SELECT t.settings -> 'canvas_conditions' FROM tenants t WHERE t.id = rd_tenant()) AS c) s
    ), o AS (
        SELECT s.role_id, string_agg(s.ord || ':' || s.state, ',' ORDER BY s.ord) AS pairs
          FROM rd_canvas_override_states(p_chain, p_roles) s
         GROUP BY s.role_id
    )
    SELECT x.id,
           '{"id":' || x.id || ',"role":' || rd_canvas_jstr(x.name)
           || ',"label":' || rd_canvas_jstr(rd_canvas_role_label(x.name, x.workflow_state))
           || ',"base_role_type":"'
           || CASE WHEN x.workflow_state = 'built_in' AND x.base_role_type IN ('AccountAdmin', 'AccountMembership')
                   THEN 'AccountMembership' ELSE x.base_role_type END
           || '","workflow_state":"' || x.workflow_state
           || '","created_at":"' || rd_canvas_iso(x.created_at) || '","last_updated_at":"' || rd_canvas_iso(x.updated_at)
           || '","is_account_role":' || (x.base_role_type IN ('AccountAdmin', 'AccountMembership'))
           || ',"permissions":@' || x.base_role_type || '|' || CASE WHEN cardinality(p_chain) = 1 THEN '1' ELSE '0' END
           || '|' || h.hidden || '|' || coalesce(o.pairs, '') || '@'
           || coalesce(acc.j, '')
           || '}'
      FROM roles x
     CROSS JOIN h
      LEFT JOIN o ON o.role_id = x.id
      LEFT JOIN LATERAL (SELECT ',"account":' || rd_canvas_account_json(a) AS j FROM accounts a
                          WHERE a.tenant_id = x.tenant_id AND a.id = x.account_id LIMIT 1) acc ON true
     WHERE x.tenant_id = rd_tenant() AND x.id = ANY (p_roles)
     ORDER BY x.id
    $$;

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

-- What a worker needs to expand the compact form, one row per piece: kind 'm' = the default member text of
-- (base_role_type, is_root, ord), with hidden_by_default; 'p' = the text around a state fragment of ord
-- (json_head in member, json_tail in base_role_type); 's' = the fragment of state ord - 1.
CREATE FUNCTION rd_canvas_json_catalog()
    RETURNS TABLE (kind text, base_role_type text, is_root boolean, ord int, member text, hidden_by_default boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT 'm', d.base_role_type, d.is_root, o, d.members[o], d.members_default[o] IS NULL AND d.members[o] IS NOT NULL
      FROM canvas_json_defaults d, generate_subscripts(d.members, 1) o
    UNION ALL
    SELECT 'p', p.json_tail, NULL, p.ord, p.json_head, NULL FROM canvas_permissions p
    UNION ALL
    SELECT 's', NULL, NULL, s + 1, rd_canvas_state_json(s), NULL FROM generate_series(0, 63) s
    $$;
