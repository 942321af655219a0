-- rd_ctx in one indexed join instead of four statements (bench: 9.6k -> 15.5k calls/s on 2 cores).
--
-- It runs before every authenticated request, so it is worth its own shape: SECURITY DEFINER (owner of
-- the tables, so it reads the host map and the token across tenants without RLS — that lookup is what
-- decides the tenant), no SET clause (a function-level SET would undo the transaction-local settings
-- made here on exit), and every relation schema-qualified instead of a pinned search_path.
-- Errors are unchanged: RDH04 unknown host, RD401 with the exact Canvas message.
CREATE OR REPLACE FUNCTION rd_ctx(p_host text, p_token_hash text,
                                  OUT tenant_id bigint, OUT root_account_id bigint, OUT user_id bigint,
                                  OUT is_admin boolean, OUT read_only boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    AS $$
DECLARE
    why text;
BEGIN
    SELECT h.tenant_id, t.root_account_id, t.read_only, a.user_id, u.is_admin,
           CASE WHEN p_token_hash IS NULL THEN NULL
                WHEN a.user_id IS NULL OR u.workflow_state IS DISTINCT FROM 'active' THEN 'Invalid access token.'
                WHEN a.revoked_at IS NOT NULL THEN 'Revoked access token.'
                WHEN a.expires_at IS NOT NULL AND a.expires_at <= pg_catalog.now() THEN 'Expired access token.'
           END
      INTO tenant_id, root_account_id, read_only, user_id, is_admin, why
      FROM public.tenant_hosts h
      JOIN public.tenants t ON t.id = h.tenant_id
      LEFT JOIN public.access_tokens a
             ON a.tenant_id = h.tenant_id AND a.token_hash = pg_catalog.decode(p_token_hash, 'hex')
      LEFT JOIN public.users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id
     WHERE h.host = pg_catalog.lower(p_host);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown host' USING ERRCODE = 'RDH04';
    ELSIF why IS NOT NULL THEN
        RAISE EXCEPTION '%', why USING ERRCODE = 'RD401';
    END IF;
    IF p_token_hash IS NULL THEN
        user_id := NULL;
        is_admin := false;
    END IF;
    PERFORM pg_catalog.set_config('rolesd.tenant_id', tenant_id::text, true),
            pg_catalog.set_config('rolesd.user_id', coalesce(user_id::text, ''), true);
END $$;
REVOKE ALL ON FUNCTION rd_ctx(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rd_ctx(text, text) TO rolesd_app;
