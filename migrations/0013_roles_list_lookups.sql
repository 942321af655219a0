-- GET /api/v1/accounts/:account_id/roles (0002), same contract and answer, with both role lookups as index
-- conditions: the root is the last account of the chain (no rd_canvas_root_of call), and the accounts whose
-- custom roles are listed are one array, so that roles_account (tenant_id, account_id, id) is probed for
-- them instead of every role of the tenant being filtered.
CREATE OR REPLACE FUNCTION rd_canvas_roles_list(p_ref text, p_perm text, p_bad text, p_active boolean, p_inactive boolean,
                                     p_inherited boolean, p_page bigint, p_per_page int)
    RETURNS TABLE (account_id bigint, total bigint, body text)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    chain bigint[] := rd_canvas_chain(acct);
    per int := greatest(1, least(coalesce(p_per_page, 10), 100));
    states text[];
    accts bigint[];
    ids bigint[];
    page_ids bigint[];
    off bigint;
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    IF p_bad IS NOT NULL THEN
        PERFORM rd_canvas_bad(p_bad);
    END IF;
    IF p_page IS NULL OR p_page < 1 THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    states := CASE WHEN p_active OR NOT p_inactive THEN ARRAY['active'] ELSE '{}' END
              || CASE WHEN p_inactive THEN ARRAY['inactive'] ELSE '{}' END;
    accts := CASE WHEN p_inherited THEN chain ELSE ARRAY[acct] END;
    ids := ARRAY(
        SELECT l.id FROM (
            SELECT r.id, 0 AS part FROM roles r
             WHERE 'active' = ANY (states) AND r.tenant_id = rd_tenant() AND r.workflow_state = 'built_in'
               AND r.name NOT IN ('AccountMembership', 'NoPermissions')
               AND r.root_account_id = chain[cardinality(chain)]
            UNION ALL
            SELECT r.id, 1 FROM roles r
             WHERE r.tenant_id = rd_tenant() AND r.workflow_state = ANY (states) AND r.account_id = ANY (accts)
        ) l ORDER BY l.part, l.id);
    account_id := acct;
    total := coalesce(cardinality(ids), 0);
    off := (p_page - 1) * per;
    IF off >= total THEN
        body := '[]';
        RETURN NEXT;
        RETURN;
    END IF;
    page_ids := ids[off + 1 : off + per];
    SELECT '[' || string_agg(x.body, ',' ORDER BY u.n) || ']' INTO body
      FROM unnest(page_ids) WITH ORDINALITY u(id, n)
      JOIN rd_canvas_roles_render(chain, page_ids) x ON x.role_id = u.id;
    RETURN NEXT;
END $$;
