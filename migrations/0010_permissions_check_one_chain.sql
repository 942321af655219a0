-- GET /api/v1/accounts/:account_id/permissions?permissions[]=..: the account chain once per request.
--
-- 0005's rd_permissions_check walked the chain three times for one named permission: rd_user_memberships
-- (rd_account_chain, with CYCLE records), then rd_canvas_user_has (rd_canvas_chain) per name. On a chain of
-- 100 accounts that was 300 primary-key probes; bench-scale measured the check at depth 100 at 0.43 of
-- depth 5. Same answer: for the named permissions, whether the caller holds each through an admin membership
-- on the chain (rd_canvas_user_has_on, 0002), false when they hold none there; each name once, in the order
-- first asked. Without names (every manageable permission of the account) it is 0005's code unchanged.
CREATE OR REPLACE FUNCTION rd_permissions_check(p_ref text, p_perm text, p_permissions text[]) RETURNS text
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    names text[] := CASE WHEN cardinality(p_permissions) > 0 THEN p_permissions END;
    chain bigint[];
    anyone boolean;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF names IS NULL THEN
        RETURN (SELECT coalesce(json_object_agg(p.permission, p.granted ORDER BY p.permission), '{}')::text
                  FROM rd_user_permissions(rd_user(), acct, NULL) p);
    END IF;
    chain := rd_canvas_chain(acct);
    -- rd_user_memberships' rule: active membership, active account, active or built-in role
    anyone := EXISTS (SELECT 1
                        FROM account_users au
                        JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
                        JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
                       WHERE au.tenant_id = rd_tenant() AND au.user_id = rd_user() AND au.workflow_state = 'active'
                         AND au.account_id = ANY (chain) AND a.workflow_state = 'active'
                         AND r.workflow_state IN ('active', 'built_in'));
    RETURN (SELECT coalesce(json_object_agg(w.n, anyone AND rd_canvas_user_has_on(rd_user(), chain, w.n)
                                            ORDER BY w.o), '{}')::text
              FROM (SELECT n, min(o) AS o FROM unnest(names) WITH ORDINALITY AS x(n, o)
                     WHERE n IS NOT NULL GROUP BY n) w);
END $$;
