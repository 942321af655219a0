-- The entry points: the only functions rolesd_app may call (0016 revokes everything else).
--
-- One per prepared statement of db/*.c, named after it. Each is one call = one statement = one transaction:
-- rd_auth(host, token_hash) first (the tenant and caller come from credentials presented in this
-- call, never from a setting the session made), then the operation. The outcome carries the context
-- (SQLSTATE of a failure, its message and detail, tenant and user), so that db/db.c logs the tenant and user
-- of failed requests too. Two forms:
--
-- * A function that answers one value (or none) returns one text, rd_answer(): called as SELECT api.f(...), a
--   plain scalar call, which costs PostgreSQL about 32 k instructions less a request than a set of rows
--   (a function scan and a tuplestore; README "Benchmarks", eighth pass).
-- * A function that answers rows (the lists) returns them, then one last row carrying the context
--   (ctx_err, ctx_msg, ctx_detail, ctx_tenant_id, ctx_user_id); called as SELECT * FROM api.f(...).
--
-- A failure inside the operation is caught (its writes roll back with the block's subtransaction) and
-- reported in the outcome; the operation's value is then ignored.
--
-- The last argument, p_request_id (nginx's $request_id, NULL outside HTTP), is kept for the audit trail.
--
-- SECURITY DEFINER with a pinned search_path; the SET clause also restores the context settings on return.
--
-- rd_auth is called as an assignment (c := rd_auth(...)), which plpgsql evaluates as a simple
-- expression, without an executor start-up of its own; a SELECT ... FROM rd_auth(...) INTO cost 25 k
-- more instructions a request (callgrind, README "Benchmarks").

-- The answer of a function that answers one value: "tenant,user,sqlstate,msglen,bodylen\n", then the message
-- and detail of a failure, or the value of a success (bodylen empty: no value). Decimal fields, empty for
-- NULL; msglen and bodylen in bytes. db/db.c (framed) reads it. Inlined into its callers' expressions.
CREATE OR REPLACE FUNCTION rd_answer(p_tenant bigint, p_user bigint, p_err text, p_msg text, p_detail text, p_body text)
    RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT concat(p_tenant, ',', p_user, ',', p_err, ',', octet_length(p_msg), ',', octet_length(p_body), E'\n',
                        p_msg, p_detail, p_body) $$;

-- No operation: the context alone (an unknown host is a 404 before any other complaint).
CREATE OR REPLACE FUNCTION api.sys_noop(p_host text, p_token_hash text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    RETURN rd_answer(c.tenant_id, c.user_id, c.err, c.msg, NULL, NULL);
END $$;

-- The static permission catalogue's text (no tenant data): what each worker loads once (fcgi/canvas_json.c).
CREATE OR REPLACE FUNCTION api.canvas_json_catalog()
    RETURNS TABLE (kind text, base_role_type text, is_root boolean, ord int, member text, hidden_by_default boolean)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT * FROM rd_canvas_json_catalog() $$;

CREATE OR REPLACE FUNCTION api.accounts_show(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_accounts_show(a1, 'read');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.accounts_update(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, a6 json, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_accounts_update(a1, 'manage_account_settings', a3, a4, a5, a6);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.accounts_sub_list(p_host text, p_token_hash text, a1 text, a3 boolean, a4 text, a5 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT account_id, body, next_page FROM rd_accounts_sub_list(a1, 'read', a3::boolean, a4, a5::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.accounts_sub_create(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_accounts_sub_create(a1, 'manage_account_settings', a3, a4, a5);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.accounts_sub_delete(p_host text, p_token_hash text, a1 text, a3 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_accounts_sub_delete(a1, 'manage_account_settings', a3);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.admins_list(p_host text, p_token_hash text, a1 text, a3 json, a4 text, a5 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT account_id, body, next_page FROM rd_admins_list(a1, 'manage_account_memberships', CASE WHEN a3::json IS NULL THEN NULL ELSE ARRAY(SELECT json_array_elements_text(a3::json)) END, a4, a5::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.admins_self(p_host text, p_token_hash text, a1 text, a3 text, a4 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT account_id, body, next_page FROM rd_admins_self(a1, NULL::text, a3, a4::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.admins_create(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_admins_create(a1, 'manage_account_memberships', a3, a4, a5);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.admins_delete(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_admins_delete(a1, 'manage_account_memberships', a3, a4, a5);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_list(p_host text, p_token_hash text, a1 jsonb, a2 jsonb, a3 jsonb, a4 jsonb, a5 bigint, a6 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT total, items FROM rd_api2_roles_list(a1::jsonb, a2::jsonb, a3::jsonb, a4::jsonb, a5::bigint, a6::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_count(p_host text, p_token_hash text, a1 jsonb, a2 jsonb, a3 jsonb, a4 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_roles_count(a1::jsonb, a2::jsonb, a3::jsonb, a4::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

-- GET /api2/roles/:id: the checks (no user 401, not an Administrator 403, no such role 404) are data of the
-- one query, not exceptions, so there is no exception block; same answers as rd_api2_roles_get.
CREATE OR REPLACE FUNCTION api.api2_roles_get(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text;
    v_msg text;
    v_id bigint := rd_api2_parse_id(a1);
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err;
    v_msg := c.msg;
    IF v_err IS NULL AND c.user_id IS NULL THEN
        v_err := 'RDU01';
        v_msg := 'Authentication required: send an Authorization: Bearer token';
    ELSIF v_err IS NULL THEN
        SELECT CASE WHEN NOT coalesce(u.is_admin, false) THEN 'RD403' WHEN r.id IS NULL THEN 'RDR04' END,
               CASE WHEN NOT coalesce(u.is_admin, false) THEN 'Only Administrator users may use the Roles API'
                    WHEN r.id IS NULL THEN 'Role not found' END,
               CASE WHEN u.is_admin AND r.id IS NOT NULL
                    THEN rd_api2_role_json(r, ARRAY(SELECT p.permission FROM api2_role_permissions p
                                                    WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id
                                                    ORDER BY p.permission)) END
          INTO v_err, v_msg, o1
          FROM (SELECT 1) one
          LEFT JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
          LEFT JOIN api2_roles r ON r.tenant_id = c.tenant_id AND r.id = v_id;
    END IF;
    RETURN rd_answer(c.tenant_id, c.user_id, v_err, v_msg, NULL, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_create(p_host text, p_token_hash text, a1 jsonb, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT id, body FROM rd_api2_roles_create(a1::jsonb, a2::jsonb)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_update(p_host text, p_token_hash text, a1 text, a2 jsonb, a3 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_roles_update(a1, a2::jsonb, a3::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_add_permissions(p_host text, p_token_hash text, a1 text, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint; v_role bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL AND v_user IS NOT NULL THEN
        -- a request that changes nothing: one query, no exception block (rd_api2_change_fast)
        SELECT f.body, f.role_id INTO o1, v_role FROM rd_api2_change_fast(rd_api2_parse_id(a1), a2, true) f;
        IF o1 IS NOT NULL THEN
            RETURN rd_answer(v_tenant, v_user, NULL, NULL, NULL, o1);
        END IF;
    END IF;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_roles_change_permissions(a1, a2, true, v_role);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_remove_permissions(p_host text, p_token_hash text, a1 text, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint; v_role bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL AND v_user IS NOT NULL THEN
        -- a request that changes nothing: one query, no exception block (rd_api2_change_fast)
        SELECT f.body, f.role_id INTO o1, v_role FROM rd_api2_change_fast(rd_api2_parse_id(a1), a2, false) f;
        IF o1 IS NOT NULL THEN
            RETURN rd_answer(v_tenant, v_user, NULL, NULL, NULL, o1);
        END IF;
    END IF;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_roles_change_permissions(a1, a2, false, v_role);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_roles_delete(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_roles_delete(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.canvas_roles_list(p_host text, p_token_hash text, a1 text, a3 text, a4 boolean, a5 boolean, a6 boolean, a7 bigint, a8 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 bigint, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        -- the fast path (no exception block); the general path, which may raise, inside one
        SELECT f.account_id, f.total, f.body INTO o1, o2, o3
          FROM rd_canvas_roles_list_fast(a1, 'manage_role_overrides', a3, a4, a5, a6, a7, a8) f;
        IF FOUND THEN
            RETURN NEXT;
            o1 := NULL; o2 := NULL; o3 := NULL;
        ELSE
            BEGIN
                RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
                  FROM (SELECT account_id, total, body FROM rd_canvas_roles_list(a1, 'manage_role_overrides', a3, a4, a5, a6, a7, a8)) q;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            END;
        END IF;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

-- GET role: the fast path (rd_canvas_role_get_fast) without an exception block; only the general path
-- (rd_canvas_roles_show), which may raise, runs inside one.
CREATE OR REPLACE FUNCTION api.canvas_roles_show(p_host text, p_token_hash text, a1 text, a2 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg;
    IF v_err IS NULL THEN
        o1 := (SELECT f.body FROM rd_canvas_role_get_fast(a1, a2, 'manage_role_overrides') f);
        IF o1 IS NULL THEN
            BEGIN
                o1 := rd_canvas_roles_show(a1, a2, 'manage_role_overrides');
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            END;
        END IF;
    END IF;
    RETURN rd_answer(c.tenant_id, c.user_id, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.canvas_roles_create(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, a6 text, a7 json, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_canvas_roles_create(a1, 'manage_role_overrides', a3, a4, a5, a6, a7);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.canvas_roles_update(p_host text, p_token_hash text, a1 text, a2 text, a4 text, a5 text, a6 json, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_canvas_roles_update(a1, a2, 'manage_role_overrides', a4, a5, a6);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.canvas_roles_deactivate(p_host text, p_token_hash text, a1 text, a2 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_canvas_roles_deactivate(a1, a2, 'manage_role_overrides');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.canvas_roles_activate(p_host text, p_token_hash text, a1 text, a2 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_canvas_roles_activate(a1, a2, 'manage_role_overrides');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

-- The named check: the fast path (rd_permissions_check_fast) without an exception block; the general path
-- (rd_permissions_check_named), which may raise, inside one.
CREATE OR REPLACE FUNCTION api.permissions_check(p_host text, p_token_hash text, a1 text, a3 json, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg;
    IF v_err IS NULL THEN
        o1 := (SELECT f.body FROM rd_permissions_check_fast(a1, NULL::text, a3) f);
        IF o1 IS NULL THEN
            BEGIN
                o1 := (SELECT f.body FROM rd_permissions_check_named(a1, NULL::text, a3) f);
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
            END;
        END IF;
    END IF;
    RETURN rd_answer(c.tenant_id, c.user_id, v_err, v_msg, v_detail, o1);
END $$;

-- The one permission Canvas answers for (check_account_permission): no route permission, so no caller is
-- required; the function decides what an anonymous caller gets.
CREATE OR REPLACE FUNCTION api.permissions_check_one(p_host text, p_token_hash text, a1 text, a2 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_permissions_check_one(a1, a2);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(c.tenant_id, c.user_id, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.permissions_explain(p_host text, p_token_hash text, a1 text, a3 text, a4 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_permissions_explain(a1, 'manage_role_overrides', a3, a4);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.tokens_create(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, a6 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_tokens_create(a1, 'create_access_tokens', a3, a4, a5, a6);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.tokens_list(p_host text, p_token_hash text, a1 text, a3 bigint, a4 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 bigint, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT user_id, total, body FROM rd_tokens_list(a1, 'create_access_tokens', a3::bigint, a4::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.tokens_delete(p_host text, p_token_hash text, a1 text, a3 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_tokens_delete(a1, 'delete_access_tokens', a3);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

-- GET /api/v1/users/self, the authenticated floor: no operation can fail once the caller is known, so no
-- exception block (its subtransaction) and no nested function.
CREATE OR REPLACE FUNCTION api.users_self(p_host text, p_token_hash text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text;
    v_msg text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err;
    v_msg := c.msg;
    IF v_err IS NULL AND c.user_id IS NULL THEN
        v_err := 'RDU01';
        v_msg := 'user authorization required';
    ELSIF v_err IS NULL THEN
        SELECT json_build_object('id', u.id, 'name', u.name, 'created_at', rd_iso(u.created_at),
                                 'sortable_name', u.sortable_name, 'short_name', u.short_name,
                                 'sis_user_id', u.sis_user_id, 'integration_id', NULL,
                                 'login_id', u.login_id)::text
          INTO o1
          FROM users u WHERE u.tenant_id = c.tenant_id AND u.id = c.user_id;
    END IF;
    RETURN rd_answer(c.tenant_id, c.user_id, v_err, v_msg, NULL, o1);
END $$;

CREATE OR REPLACE FUNCTION api.users_create(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, a6 text, a7 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_users_create(a1, 'manage_user_logins', a3, a4, a5, a6, a7);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.users_show(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_users_show(a1, 'read_roster');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.users_list(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT account_id, body, next_page FROM rd_users_list(a1, 'read_roster', a3, a4, a5::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.features_list(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_features_list(a1, 'read');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.features_enabled(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_features_enabled(a1, 'read');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.feature_flag_show(p_host text, p_token_hash text, a1 text, a3 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_feature_flag_show(a1, 'read', a3);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.feature_flag_write(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 boolean, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_feature_flag_write(a1, 'manage_feature_flags', a3, a4, a5);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.audit_list(p_host text, p_token_hash text, a1 text, a3 text, a4 text, a5 text, a6 text, a7 text, a8 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, o3 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT account_id, body, next_page FROM rd_audit_list(a1, 'manage_role_overrides', a3, a4, a5, a6, a7, a8::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

-- rolesd_app may execute each of these from its creation (0023's default privileges); CREATE OR REPLACE keeps them.

CREATE OR REPLACE FUNCTION api.api2_collections_list(p_host text, p_token_hash text, a1 jsonb, a2 bigint, a3 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT total, items FROM rd_api2_collections_list(a1::jsonb, a2::bigint, a3::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_tree(p_host text, p_token_hash text, a1 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_collections_tree(a1::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_get(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_collections_get(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_create(p_host text, p_token_hash text, a1 jsonb, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT id, body FROM rd_api2_collections_create(a1::jsonb)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_update(p_host text, p_token_hash text, a1 text, a2 jsonb, a3 boolean, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_collections_update(a1, a2::jsonb, a3::boolean);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_delete(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_collections_delete(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_permissions(p_host text, p_token_hash text, a1 text, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_collections_permissions(a1, a2::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_collections_explain(p_host text, p_token_hash text, a1 text, a2 text, a3 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_collections_explain(a1, a2, a3::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_groups_list(p_host text, p_token_hash text, a1 jsonb, a2 bigint, a3 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT total, items FROM rd_api2_groups_list(a1::jsonb, a2::bigint, a3::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_groups_get(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_groups_get(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_groups_create(p_host text, p_token_hash text, a1 jsonb, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT id, body FROM rd_api2_groups_create(a1::jsonb)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_groups_update(p_host text, p_token_hash text, a1 text, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_groups_update(a1, a2::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_groups_delete(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_groups_delete(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_group_users_list(p_host text, p_token_hash text, a1 text, a2 jsonb, a3 bigint, a4 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT total, items FROM rd_api2_group_users_list(a1, a2::jsonb, a3::bigint, a4::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_group_users_get(p_host text, p_token_hash text, a1 text, a2 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_group_users_get(a1, a2);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_group_users_add(p_host text, p_token_hash text, a1 text, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_group_users_add(a1, a2::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_group_users_remove(p_host text, p_token_hash text, a1 text, a2 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_group_users_remove(a1, a2);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_users_list(p_host text, p_token_hash text, a1 jsonb, a2 bigint, a3 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT total, items FROM rd_api2_users_list(a1::jsonb, a2::bigint, a3::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_users_get(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_users_get(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_memberships_list(p_host text, p_token_hash text, a1 jsonb, a2 bigint, a3 integer, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT total, items FROM rd_api2_memberships_list(a1::jsonb, a2::bigint, a3::int)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_memberships_get(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_memberships_get(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_memberships_create(p_host text, p_token_hash text, a1 jsonb, p_request_id text DEFAULT NULL)
    RETURNS TABLE (o1 bigint, o2 text, ctx_err text, ctx_msg text, ctx_detail text, ctx_tenant_id bigint, ctx_user_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            RETURN QUERY SELECT q.*, NULL::text, NULL::text, NULL::text, NULL::bigint, NULL::bigint
              FROM (SELECT id, body FROM rd_api2_memberships_create(a1::jsonb)) q;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    ctx_err := v_err;
    ctx_msg := v_msg;
    ctx_detail := v_detail;
    ctx_tenant_id := v_tenant;
    ctx_user_id := v_user;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION api.api2_memberships_update(p_host text, p_token_hash text, a1 text, a2 jsonb, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_memberships_update(a1, a2::jsonb);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

CREATE OR REPLACE FUNCTION api.api2_memberships_delete(p_host text, p_token_hash text, a1 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            o1 := rd_api2_memberships_delete(a1);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

-- Previews (dry_run=true, migrations/functions/75_effects.sql). The write runs inside the block and the
-- block is then rolled back on purpose (RDDRY), its audit rows with it; the answer was kept in a variable,
-- which a rollback does not touch. Any other failure is reported as for the write itself.
CREATE OR REPLACE FUNCTION api.canvas_roles_update_dry_run(p_host text, p_token_hash text, a1 text, a2 text, a4 text, a5 text, a6 json, a7 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint; v_body text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            v_body := rd_canvas_roles_update_dry_run(a1, a2, 'manage_role_overrides', a4, a5, a6, a7);
            RAISE EXCEPTION 'dry run' USING ERRCODE = 'RDDRY';
        EXCEPTION WHEN SQLSTATE 'RDDRY' THEN
            o1 := v_body;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

-- a1: true = POST (add), false = DELETE (remove).
CREATE OR REPLACE FUNCTION api.admins_dry_run(p_host text, p_token_hash text, a1 boolean, a2 text, a4 text, a5 text, a6 text, a7 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint; v_body text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            v_body := rd_admins_dry_run(a1, a2, 'manage_account_memberships', a4, a5, a6, a7);
            RAISE EXCEPTION 'dry run' USING ERRCODE = 'RDDRY';
        EXCEPTION WHEN SQLSTATE 'RDDRY' THEN
            o1 := v_body;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;

-- a1: 'create', 'update', 'add', 'remove' or 'delete'; a2 the role id (NULL for create).
CREATE OR REPLACE FUNCTION api.api2_roles_dry_run(p_host text, p_token_hash text, a1 text, a2 text, a3 jsonb, a4 jsonb, a5 text, p_request_id text DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    c record;
    o1 text;
    v_err text; v_msg text; v_detail text; v_tenant bigint; v_user bigint; v_body text;
BEGIN
    c := rd_auth(p_host, p_token_hash, p_request_id);
    v_err := c.err; v_msg := c.msg; v_tenant := c.tenant_id; v_user := c.user_id;
    IF v_err IS NULL THEN
        BEGIN
            v_body := rd_api2_roles_dry_run(a1, a2, a3, a4, a5);
            RAISE EXCEPTION 'dry run' USING ERRCODE = 'RDDRY';
        EXCEPTION WHEN SQLSTATE 'RDDRY' THEN
            o1 := v_body;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_msg = MESSAGE_TEXT, v_detail = PG_EXCEPTION_DETAIL;
        END;
    END IF;
    RETURN rd_answer(v_tenant, v_user, v_err, v_msg, v_detail, o1);
END $$;
