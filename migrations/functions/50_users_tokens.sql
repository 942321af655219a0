-- Users and access tokens.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- ---------------------------------------------------------------------------------------------------------
-- JSON shapes (Canvas)
-- ---------------------------------------------------------------------------------------------------------

-- User (the shape of GET /api/v1/users/self, api.users_self).
CREATE OR REPLACE FUNCTION rd_user_json(u users) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', u.id, 'name', u.name, 'created_at', rd_iso(u.created_at),
                             'sortable_name', u.sortable_name, 'short_name', u.short_name,
                             'sis_user_id', u.sis_user_id, 'integration_id', NULL, 'login_id', u.login_id)
    $$;

-- Access token; the secret is never here (only its hint): the C handler adds `token` to the create answer.
CREATE OR REPLACE FUNCTION rd_token_json(t access_tokens) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', t.id, 'user_id', t.user_id, 'purpose', t.purpose,
                             'created_at', rd_iso(t.created_at), 'expires_at', rd_iso(t.expires_at),
                             'workflow_state', CASE WHEN t.revoked_at IS NULL THEN 'active' ELSE 'deleted' END,
                             'token_hint', t.token_hint)
    $$;

-- Whether a token's user is active, kept on the token (access_tokens.user_active, 0026) so that authentication
-- reads one row. A token takes it from its user when it is made (or given another user, or the flag is
-- written by hand: the user decides, not the writer); a user's change of state is copied to every token of
-- theirs in the same transaction.
CREATE OR REPLACE FUNCTION rd_token_user_active() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.user_active := coalesce((SELECT u.workflow_state = 'active' FROM users u
                                  WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.user_id), false);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION rd_user_state_to_tokens() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE access_tokens a SET user_active = (NEW.workflow_state = 'active')
     WHERE a.tenant_id = NEW.tenant_id AND a.user_id = NEW.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER access_tokens_user_active BEFORE INSERT OR UPDATE OF user_id, user_active ON access_tokens
    FOR EACH ROW EXECUTE PROCEDURE rd_token_user_active();
CREATE OR REPLACE TRIGGER users_state_to_tokens AFTER UPDATE OF workflow_state ON users
    FOR EACH ROW WHEN (OLD.workflow_state IS DISTINCT FROM NEW.workflow_state)
    EXECUTE PROCEDURE rd_user_state_to_tokens();

-- ---------------------------------------------------------------------------------------------------------
-- Reference resolution
-- ---------------------------------------------------------------------------------------------------------

-- A user reference in a URL or parameter: `self` (the caller; 401 when anonymous), a numeric id, or
-- sis_user_id:<v>; only active users of the current tenant (RLS). Anything else is RD404.
CREATE OR REPLACE FUNCTION rd_user_resolve(p_ref text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ref text := btrim(coalesce(p_ref, ''), E' \t\r\n');
    found_id bigint;
BEGIN
    IF ref = 'self' THEN
        IF rd_user() IS NULL THEN
            RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
        END IF;
        RETURN rd_user();
    ELSIF ref ~ '^[0-9]{1,19}$' THEN
        IF ref::numeric <= 9223372036854775807 THEN
            SELECT u.id INTO found_id FROM users u
             WHERE u.tenant_id = rd_tenant() AND u.id = ref::bigint AND u.workflow_state = 'active';
        END IF;
    ELSIF ref LIKE 'sis_user_id:_%' THEN
        SELECT u.id INTO found_id FROM users u
         WHERE u.tenant_id = rd_tenant() AND u.sis_user_id = substr(ref, 13) AND u.workflow_state = 'active';
    ELSIF ref LIKE 'hex:sis_user_id:%' AND substr(ref, 17) ~ '^([0-9a-fA-F]{2})+$' THEN
        -- as hex:sis_account_id: for SIS ids holding '/' (Canvas accepts hex: for every SIS id form)
        BEGIN
            SELECT u.id INTO found_id FROM users u
             WHERE u.tenant_id = rd_tenant() AND u.sis_user_id = convert_from(decode(substr(ref, 17), 'hex'), 'UTF8')
               AND u.workflow_state = 'active';
        EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
            found_id := NULL;
        END;
    END IF;
    IF found_id IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN found_id;
END $$;

CREATE OR REPLACE FUNCTION rd_user_home_account(p_user bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN coalesce(
        (SELECT a.id FROM users u JOIN accounts a ON a.tenant_id = u.tenant_id AND a.id = u.account_id
          WHERE u.tenant_id = rd_tenant() AND u.id = p_user AND a.workflow_state = 'active'),
        (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()));
END $$;

-- The memberships that count for p_user on p_account: active admin memberships on an active account of the
-- account's chain whose role is not deleted (a deactivated role keeps working for its holders, as in Canvas).
CREATE OR REPLACE FUNCTION rd_user_memberships(p_user bigint, p_account bigint)
    RETURNS TABLE (membership_id bigint, role_id bigint, account_id bigint, depth int)
    LANGUAGE sql STABLE
    AS $$
    SELECT au.id, au.role_id, au.account_id, c.depth
      FROM rd_account_chain(p_account) c
      JOIN account_users au ON au.tenant_id = rd_tenant() AND au.account_id = c.account_id
      JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
      JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
     WHERE au.user_id = p_user AND au.workflow_state = 'active' AND a.workflow_state = 'active'
       AND r.workflow_state IN ('active', 'inactive', 'built_in')
    $$;

-- THE effective-permission function: for each requested permission (all manageable permissions of the
-- account when p_permissions is NULL), whether p_user holds it on p_account through any of their admin
-- memberships on the account's chain (§3.3), decided by 0002's rd_canvas_user_has. Names that are not
-- permissions answer false; each distinct name once.
CREATE OR REPLACE FUNCTION rd_user_permissions(p_user bigint, p_account bigint, p_permissions text[])
    RETURNS TABLE (permission text, granted boolean)
    LANGUAGE sql STABLE
    AS $$
    WITH wanted AS (
        SELECT DISTINCT n AS permission FROM unnest(p_permissions) n WHERE p_permissions IS NOT NULL
        UNION
        SELECT m.permission FROM rd_manageable_permissions(p_account) m WHERE p_permissions IS NULL
    ), anyone AS (
        -- no membership on the chain: nothing to resolve
        SELECT EXISTS (SELECT 1 FROM rd_user_memberships(p_user, p_account)) AS yes
    )
    SELECT w.permission, anyone.yes AND rd_canvas_user_has(p_user, p_account, w.permission)
      FROM wanted w, anyone
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- Users
-- ---------------------------------------------------------------------------------------------------------

-- Canvas' "Last, First" from a full name (the last word is taken as the surname).
CREATE OR REPLACE FUNCTION rd_sortable_name(p_name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN btrim(p_name) ~ '\s'
                THEN regexp_replace(btrim(p_name), '^(.*\S)\s+(\S+)$', '\2, \1')
                ELSE btrim(p_name) END
    $$;

-- POST /api/v1/accounts/:account_id/users with user[name], user[short_name], user[sortable_name],
-- pseudonym[unique_id] (the login, required, unique in the tenant case-insensitively) and
-- pseudonym[sis_user_id] (unique in the tenant). The account becomes the user's home account.
CREATE OR REPLACE FUNCTION rd_users_create(p_ref text, p_perm text, p_name text, p_short_name text, p_sortable_name text,
                                p_unique_id text, p_sis_user_id text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    login text := btrim(coalesce(p_unique_id, ''), E' \t\n\r\f\x0b'); -- Ruby's strip: "admin\t" is "admin"
    full_name text := CASE WHEN NOT rd_canvas_blank(p_name) THEN btrim(p_name) END;
    body text;
    con text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_canvas_writable();
    IF rd_canvas_blank(login) THEN -- tabs and newlines too, as Rails' blank?
        PERFORM rd_acct_invalid('unique_id', 'blank', 'can''t be blank', 'pseudonym');
    ELSIF length(login) > 100 THEN
        PERFORM rd_acct_invalid('unique_id', 'too_long', 'is too long (maximum is 100 characters)', 'pseudonym');
    ELSIF EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = rd_tenant() AND lower(u.login_id) = lower(login)) THEN
        PERFORM rd_acct_invalid('unique_id', 'taken', 'ID already in use for this account and authentication provider',
                                'pseudonym');
    END IF;
    IF p_sis_user_id IS NOT NULL AND p_sis_user_id <> '' THEN
        IF length(p_sis_user_id) > 255 THEN
            PERFORM rd_acct_invalid('sis_user_id', 'too_long', 'is too long (maximum is 255 characters)', 'pseudonym');
        ELSIF EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = rd_tenant() AND u.sis_user_id = p_sis_user_id) THEN
            PERFORM rd_acct_invalid('sis_user_id', 'taken', format('SIS ID "%s" is already in use', p_sis_user_id),
                                    'pseudonym');
        END IF;
    END IF;
    full_name := coalesce(full_name, login);
    IF length(full_name) > 255 OR length(p_short_name) > 255 OR length(p_sortable_name) > 255 THEN
        PERFORM rd_acct_invalid('name', 'too_long', 'is too long (maximum is 255 characters)', 'user');
    END IF;
    BEGIN
        INSERT INTO users AS u (tenant_id, name, short_name, sortable_name, login_id, sis_user_id, account_id)
        VALUES (rd_tenant(), full_name, CASE WHEN rd_canvas_blank(p_short_name) THEN full_name ELSE btrim(p_short_name) END,
                CASE WHEN rd_canvas_blank(p_sortable_name) THEN rd_sortable_name(full_name) ELSE btrim(p_sortable_name) END,
                login, nullif(p_sis_user_id, ''), acct)
        RETURNING rd_user_json(u)::text INTO body;
    EXCEPTION WHEN unique_violation THEN
        -- a concurrent create took the login or the SIS id after the checks above: the same 400 as theirs (it
        -- was a 409 with PostgreSQL's message)
        GET STACKED DIAGNOSTICS con = CONSTRAINT_NAME;
        IF con = 'users_sis' THEN
            PERFORM rd_acct_invalid('sis_user_id', 'taken', format('SIS ID "%s" is already in use', p_sis_user_id),
                                    'pseudonym');
        END IF;
        PERFORM rd_acct_invalid('unique_id', 'taken', 'ID already in use for this account and authentication provider',
                                'pseudonym');
    END;
    RETURN body;
END $$;

-- GET /api/v1/users/:id: the user themselves, or p_perm on the user's home account.
CREATE OR REPLACE FUNCTION rd_users_show(p_ref text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    uid bigint := rd_user_resolve(p_ref);
BEGIN
    IF uid IS DISTINCT FROM rd_user() THEN
        PERFORM rd_require_permission(rd_user_home_account(uid), p_perm);
    END IF;
    RETURN (SELECT rd_user_json(u)::text FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = uid);
END $$;

-- GET /api/v1/accounts/:account_id/users[?search_term=]: active users whose home account is the account or
-- one of its sub-accounts, by sortable name then id, keyset-paginated. search_term (2+ characters; blank is
-- no search) matches name, sortable name, login and SIS id case-insensitively, or the id exactly.
CREATE OR REPLACE FUNCTION rd_users_list(p_ref text, p_perm text, p_search text, p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    bm jsonb;
    after_name text;
    after_id bigint;
    n int := greatest(1, least(coalesce(p_limit, 10), 100));
    -- Canvas: params[:search_term].presence (blank: no search), then at least 2 characters
    term text := CASE WHEN NOT rd_canvas_blank(p_search) THEN btrim(p_search) END;
    pat text;
    ids bigint[];
    keys text[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    bm := rd_bookmark_decode(p_page);  -- a bad page is a 404 after authorisation
    IF bm IS NOT NULL THEN
        IF jsonb_typeof(bm -> 0) IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
        END IF;
        after_name := bm ->> 0;
        after_id := rd_bookmark_int(bm, 1);
    END IF;
    IF term IS NOT NULL AND length(p_search) < 2 THEN
        -- Canvas' SearchTermTooShortError body
        RAISE EXCEPTION '2 or more characters is required' USING ERRCODE = 'RD422',
            DETAIL = '{"errors":[{"field":"search_term","code":"invalid","message":"2 or more characters is required"}]}';
    END IF;
    pat := '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    SELECT array_agg(x.id ORDER BY x.k, x.id), array_agg(x.k ORDER BY x.k, x.id) INTO ids, keys
      FROM (SELECT u.id, lower(coalesce(u.sortable_name, '')) AS k
              FROM users u
              LEFT JOIN accounts home ON home.tenant_id = u.tenant_id AND home.id = u.account_id
                                     AND home.workflow_state = 'active'
             WHERE u.tenant_id = rd_tenant() AND u.workflow_state = 'active'
               -- the home account as rd_user_home_account has it: a deleted one (or none) is the root
               AND coalesce(home.id, (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()))
                   IN (SELECT acct UNION ALL SELECT st.account_id FROM rd_account_subtree(acct, true) st)
               AND (term IS NULL OR u.name ILIKE pat OR u.sortable_name ILIKE pat OR u.login_id ILIKE pat
                    OR u.sis_user_id ILIKE pat OR u.id::text = term)
               AND (after_id IS NULL OR (lower(coalesce(u.sortable_name, '')), u.id) > (after_name, after_id))
             ORDER BY lower(coalesce(u.sortable_name, '')), u.id
             LIMIT n + 1 OFFSET coalesce(rd_page_offset(p_page, n), 0)) x;
    account_id := acct;
    IF coalesce(array_length(ids, 1), 0) > n THEN
        next_page := rd_bookmark_encode(jsonb_build_array(keys[n], ids[n]));
    END IF;
    SELECT coalesce(json_agg(rd_user_json(u) ORDER BY lower(coalesce(u.sortable_name, '')), u.id), '[]')::text
      INTO body
      FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = ANY (ids[1:n]);
    RETURN NEXT;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Access tokens
-- ---------------------------------------------------------------------------------------------------------

-- POST /api/v1/users/:user_id/tokens with token[purpose] (required) and token[expires_at] (ISO-8601, in the
-- future; '' = never). The caller mints the token and sends only its SHA-256 (hex) and hint.
CREATE OR REPLACE FUNCTION rd_tokens_create(p_user_ref text, p_perm text, p_purpose text, p_expires_at text,
                                 p_hash text, p_hint text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    uid bigint := rd_user_resolve(p_user_ref);
    exp timestamptz;
    body text;
BEGIN
    PERFORM rd_require_manage_user(uid, p_perm);
    PERFORM rd_canvas_writable();
    IF rd_canvas_blank(p_purpose) THEN
        PERFORM rd_acct_invalid('purpose', 'blank', 'can''t be blank');
    ELSIF length(p_purpose) > 255 THEN
        PERFORM rd_acct_invalid('purpose', 'too_long', 'is too long (maximum is 255 characters)');
    END IF;
    IF p_expires_at IS NOT NULL AND btrim(p_expires_at) <> '' THEN
        IF btrim(p_expires_at) !~ '^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$' THEN
            PERFORM rd_acct_invalid('expires_at', 'invalid', 'is not a valid ISO-8601 timestamp');
        END IF;
        BEGIN
            exp := btrim(p_expires_at)::timestamptz;
        EXCEPTION WHEN OTHERS THEN
            PERFORM rd_acct_invalid('expires_at', 'invalid', 'is not a valid ISO-8601 timestamp');
        END;
        IF exp <= now() THEN
            PERFORM rd_acct_invalid('expires_at', 'invalid', 'must be in the future');
        END IF;
    END IF;
    INSERT INTO access_tokens AS t (tenant_id, user_id, token_hash, token_hint, purpose, expires_at)
    VALUES (rd_tenant(), uid, decode(p_hash, 'hex'), p_hint, p_purpose, exp)
    RETURNING rd_token_json(t)::text INTO body;
    RETURN body;
END $$;

-- GET /api/v1/users/:user_id/tokens: the user's tokens that are not deleted (hints only), newest first.
CREATE OR REPLACE FUNCTION rd_tokens_list(p_user_ref text, p_perm text, p_offset bigint, p_limit int)
    RETURNS TABLE (user_id bigint, total bigint, body text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    uid bigint := rd_user_resolve(p_user_ref);
BEGIN
    PERFORM rd_require_manage_user(uid, p_perm);
    IF p_offset < 0 THEN
        -- a bad page (rolesd checks it in C and passes -1): Canvas' 404, after authorisation
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    user_id := uid;
    SELECT count(*) INTO total FROM access_tokens t
     WHERE t.tenant_id = rd_tenant() AND t.user_id = uid AND t.revoked_at IS NULL;
    SELECT coalesce(json_agg(rd_token_json(x.t2) ORDER BY (x.t2).id DESC), '[]')::text INTO body
      FROM (SELECT t2 FROM access_tokens t2
             WHERE t2.tenant_id = rd_tenant() AND t2.user_id = uid AND t2.revoked_at IS NULL
             ORDER BY t2.id DESC OFFSET p_offset LIMIT p_limit) x;
    RETURN NEXT;
END $$;

-- DELETE /api/v1/users/:user_id/tokens/:id: revokes it (answered with workflow_state "deleted").
CREATE OR REPLACE FUNCTION rd_tokens_delete(p_user_ref text, p_perm text, p_token_ref text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    uid bigint := rd_user_resolve(p_user_ref);
    ref text := btrim(p_token_ref);
    body text;
BEGIN
    PERFORM rd_require_manage_user(uid, p_perm);
    PERFORM rd_canvas_writable();
    IF ref ~ '^[0-9]{1,18}$' THEN
        UPDATE access_tokens t SET revoked_at = now()
         WHERE t.tenant_id = rd_tenant() AND t.user_id = uid AND t.id = ref::bigint AND t.revoked_at IS NULL
        RETURNING rd_token_json(t)::text INTO body;
    END IF;
    IF body IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN body;
END $$;
