-- Idempotency-Key support (table: 0024_idempotency.sql). fcgi/idempotency.c wraps a write sent with the
-- header in one explicit transaction: api.idem_begin, the operation's own api.* call, api.idem_finish,
-- COMMIT. Both follow the api.* convention (authenticate first; a last context row).

-- Claims the key or finds it. state: 'new' (claimed: run the write, then api.idem_finish), 'replay' (the
-- stored answer follows), 'mismatch' (the key was used with another request or by another user: 422).
-- A concurrent request with the same key waits on the unique index until the first commits, then sees
-- its answer. Expired keys of the tenant are removed on the way (at most 100 a call, and always this one).
CREATE OR REPLACE FUNCTION api.idem_begin(p_host text, p_token_hash text, p_key text, p_fingerprint text,
                                          p_ttl_seconds integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o_state text, o_status integer, o_headers text, o_body text,
                   ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_tenant bigint; v_user bigint;
    k idempotency_keys;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    -- No write runs anonymously: the key is not claimed (the caller runs the request without it and answers
    -- its 401), so a retry with a token is the first use of the key, not a 422.
    IF v_err IS NULL AND v_user IS NULL THEN
        v_err := 'RDU01'; v_msg := 'user authorization required';
    END IF;
    IF v_err IS NULL THEN
        PERFORM set_config('rolesd.tenant_id', v_tenant::text, true);
        -- this key when it has expired (whatever else is left over), and up to 100 other expired ones
        DELETE FROM idempotency_keys d
         WHERE (d.tenant_id, d.key) IN (SELECT x.tenant_id, x.key FROM idempotency_keys x
                                         WHERE x.tenant_id = v_tenant AND x.expires_at < now() LIMIT 100)
            OR (d.tenant_id = v_tenant AND d.key = p_key AND d.expires_at < now());
        INSERT INTO idempotency_keys (tenant_id, key, user_id, fingerprint, expires_at)
        VALUES (v_tenant, p_key, coalesce(v_user, 0), p_fingerprint, now() + make_interval(secs => p_ttl_seconds))
        ON CONFLICT DO NOTHING;
        IF FOUND THEN
            RETURN QUERY SELECT 'new'::text, NULL::int, NULL::text, NULL::text,
                                NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint;
        ELSE
            SELECT * INTO k FROM idempotency_keys i WHERE i.tenant_id = v_tenant AND i.key = p_key FOR UPDATE;
            IF k.fingerprint <> p_fingerprint OR k.user_id <> coalesce(v_user, 0) OR k.status IS NULL THEN
                RETURN QUERY SELECT 'mismatch'::text, NULL::int, NULL::text, NULL::text,
                                    NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint;
            ELSE
                RETURN QUERY SELECT 'replay'::text, k.status, k.headers, k.body,
                                    NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint;
            END IF;
        END IF;
    END IF;
    RETURN QUERY SELECT NULL::text, NULL::int, NULL::text, NULL::text, v_err, v_msg, NULL::text, v_tenant, v_user;
END $$;

-- Stores the answer of the write that claimed the key (same transaction).
CREATE OR REPLACE FUNCTION api.idem_finish(p_host text, p_token_hash text, p_key text, p_status integer,
                                           p_headers text, p_body text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        PERFORM set_config('rolesd.tenant_id', v_tenant::text, true);
        -- only the key this caller claimed and has not answered yet (api.idem_begin, same transaction): never
        -- another user's, never a stored answer
        UPDATE idempotency_keys SET status = p_status, headers = p_headers, body = p_body
         WHERE tenant_id = v_tenant AND key = p_key AND user_id = v_user AND status IS NULL;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, NULL, NULL);
END $$;
