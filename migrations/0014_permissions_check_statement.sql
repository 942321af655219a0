-- GET /api/v1/accounts/:account_id/permissions?permissions[]=..: the named form as ONE inlinable query.
--
-- rd_permissions_check (0010) is a plpgsql function calling four others (account, authorisation, chain,
-- and the walk per name); each call pays its own executor start-up. This is the same answer in the same
-- order of checks (RD404 account, RDU01 anonymous, the route's permission when it names one), with the
-- account and chain inline; only the walk itself (rd_canvas_user_has_on, 0002) remains a function call per
-- name. Without names (or an empty list) it answers what rd_permissions_check answers for every manageable
-- permission.

-- rd_require_permission (0005) as a boolean: true, or it raises.
CREATE FUNCTION rd_permission_required(p_account bigint, p_permission text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$ BEGIN PERFORM rd_require_permission(p_account, p_permission); RETURN true; END $$;

-- p_names: the names as a JSON array (the C edge's form), or NULL. It is unpacked here rather than by the
-- caller: an argument holding a subquery would keep PostgreSQL from inlining the function.
CREATE FUNCTION rd_permissions_check_named(p_ref text, p_perm text, p_names json) RETURNS TABLE (body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN cardinality(nm.names) > 0 THEN r.body ELSE rd_permissions_check(p_ref, p_perm, NULL) END
      FROM (SELECT CASE WHEN p_names IS NOT NULL THEN ARRAY(SELECT json_array_elements_text(p_names)) END AS names
            OFFSET 0) nm
     CROSS JOIN LATERAL (SELECT coalesce(f.id, rd_account_resolve(p_ref)) AS id
                           FROM rd_canvas_account_fast(p_ref) f OFFSET 0) acct
     CROSS JOIN LATERAL (
           SELECT acct.id,
                  CASE WHEN rd_user() IS NULL THEN rd_fail('RDU01', 'user authorization required') IS NULL
                       WHEN p_perm IS NULL THEN true
                       ELSE rd_permission_required(acct.id, p_perm) END AS ok
           OFFSET 0) g
     CROSS JOIN LATERAL rd_canvas_chain_of(CASE WHEN g.ok THEN g.id END) c
     CROSS JOIN LATERAL (
           -- rd_user_memberships' rule: active membership, active account, active or built-in role
           SELECT EXISTS (SELECT 1
                            FROM account_users au
                            JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
                            JOIN roles x ON x.tenant_id = au.tenant_id AND x.id = au.role_id
                           WHERE au.tenant_id = rd_tenant() AND au.user_id = rd_user()
                             AND au.workflow_state = 'active' AND au.account_id = ANY (c.ids)
                             AND a.workflow_state = 'active' AND x.workflow_state IN ('active', 'built_in')) AS yes
           OFFSET 0) m
     CROSS JOIN LATERAL (
           SELECT coalesce(json_object_agg(w.n, m.yes AND rd_canvas_user_has_on(rd_user(), c.ids, w.n) ORDER BY w.o),
                           '{}')::text AS body
             FROM (SELECT x.n, min(x.o) AS o FROM unnest(nm.names) WITH ORDINALITY AS x(n, o)
                    WHERE x.n IS NOT NULL GROUP BY x.n) w) r
    $$;

-- rd_permissions_check (0010) answers its named case through the statement above, so that the named check
-- has one live definition; without names it is 0005's code, which rd_permissions_check_named calls.
CREATE OR REPLACE FUNCTION rd_permissions_check(p_ref text, p_perm text, p_permissions text[]) RETURNS text
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint;
BEGIN
    IF cardinality(p_permissions) > 0 THEN
        RETURN (SELECT c.body FROM rd_permissions_check_named(p_ref, p_perm, to_json(p_permissions)) c);
    END IF;
    acct := rd_account_resolve(p_ref);
    PERFORM rd_require_permission(acct, p_perm);
    RETURN (SELECT coalesce(json_object_agg(p.permission, p.granted ORDER BY p.permission), '{}')::text
              FROM rd_user_permissions(rd_user(), acct, NULL) p);
END $$;
