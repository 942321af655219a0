-- Request context, tenancy and the small helpers every other file uses.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- Every tenant-owned table carries tenant_id as the first column of its primary key and of every index,
-- and is guarded by a row-level-security policy keyed on the setting rolesd.tenant_id, forced for the owner
-- too (0016). The setting is made by rd_auth() inside the api.* function of each request.

CREATE OR REPLACE FUNCTION rd_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint $$;

CREATE OR REPLACE FUNCTION rd_user() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('rolesd.user_id', true), '')::bigint $$;

-- The request context, established inside each api.* function (90_api.sql) before anything else: the tenant
-- from the host, the caller from the token, both set with set_config(..., true) for row-level security and
-- for rd_tenant() / rd_user(). It runs as the owner inside those SECURITY DEFINER functions, whose SET
-- clause restores both settings when the call returns, so nothing outlives the request's statement.
--
-- It also keeps the token's id and the request id (p_request_id) for the audit trail (95_audit.sql).
--
-- The result is a named row type (rd_auth_result, 0031): an OUT-parameter row type is rebuilt from pg_proc at
-- every call.
--
-- Failures are data, not exceptions, so the caller can still log the tenant of a refused request:
-- err 'RDH04' unknown host (tenant_id NULL), 'RD401' with Canvas' exact message for a bad token (user_id
-- NULL). An absent token is an anonymous caller (user_id NULL, err NULL). Whatever the session had set
-- before (a forged rolesd.tenant_id, say) is overwritten before anything reads it.
CREATE OR REPLACE FUNCTION rd_auth(p_host text, p_token_hash text, p_request_id text DEFAULT NULL)
    RETURNS rd_auth_result
    LANGUAGE plpgsql
    AS $$
DECLARE
    r rd_auth_result;
    v_host text := lower(p_host);
    v_hash bytea;
    v_user bigint;
    v_token bigint;
    v_active boolean;
    v_state text;
    v_revoked timestamptz;
    v_expires timestamptz;
BEGIN
    -- Each setting is a plpgsql assignment, a simple expression evaluated without the executor: one
    -- PERFORM of four set_config() calls was a query of its own (about 40 k instructions a request). Each
    -- setting is made once (about 8 k each): the request id, the tenant before the token is read (the
    -- policies need it), then the caller and the token, '' unless the token is good. Nothing in between
    -- reads the caller's settings, so a forged value from before the call is never seen.
    -- The request id only when given: rolesd sends none with a GET, which writes nothing the audit trail
    -- records (a setting left from before the call could only name a request id, which the caller chooses
    -- anyway).
    IF p_request_id IS NOT NULL THEN
        v_state := set_config('rolesd.request_id', p_request_id, true);
    END IF;
    -- explain's assumed permission conditions are made by explain inside one call; made by hand before the
    -- call they would widen the conditions. One expression while empty, as it always is unless forged.
    -- (rolesd.audit_off, the other such setting, is ignored in rolesd_app's sessions: rd_audit_row.)
    IF current_setting('rolesd.assume_conditions_on', true) <> '' THEN
        v_state := set_config('rolesd.assume_conditions_on', '', true);
    END IF;
    -- SELECT ... INTO, not an assignment of a sub-select: the sub-select is a plan of two nodes (6 k more).
    SELECT h.tenant_id INTO r.tenant_id FROM tenant_hosts h WHERE h.host = v_host;
    v_state := set_config('rolesd.tenant_id', coalesce(r.tenant_id::text, ''), true);
    IF r.tenant_id IS NULL THEN
        r.err := 'RDH04';
        r.msg := 'unknown host';
    ELSIF p_token_hash IS NOT NULL THEN
        -- tenant_id is set: the policy of access_tokens (forced for the owner) finds this tenant's rows.
        -- The hash is a variable, so both conditions are index conditions (a function call such as
        -- decode() in a condition is not leakproof and would be evaluated after the policy, as a filter).
        v_hash := decode(p_token_hash, 'hex');
        -- One row: the user's state is kept on the token (user_active, 50_users_tokens.sql).
        SELECT a.user_id, a.id, a.user_active, a.revoked_at, a.expires_at
          INTO v_user, v_token, v_active, v_revoked, v_expires
          FROM access_tokens a
         WHERE a.tenant_id = r.tenant_id AND a.token_hash = v_hash;
        IF v_user IS NULL OR NOT v_active THEN
            r.msg := 'Invalid access token.';
        ELSIF v_revoked IS NOT NULL THEN
            r.msg := 'Revoked access token.';
        ELSIF v_expires IS NOT NULL AND v_expires <= now() THEN
            r.msg := 'Expired access token.';
        ELSE
            r.user_id := v_user;
        END IF;
        IF r.user_id IS NULL THEN
            r.err := 'RD401';
        END IF;
    END IF;
    v_state := set_config('rolesd.user_id', coalesce(r.user_id::text, ''), true);
    v_state := set_config('rolesd.token_id', CASE WHEN r.user_id IS NOT NULL THEN v_token::text ELSE '' END, true);
    RETURN r;
END $$;

-- Built-in Canvas roles of a root account, in BASE_TYPES order (the list endpoint relies on id order).
CREATE OR REPLACE FUNCTION rd_create_builtin_roles(p_tenant bigint, p_root bigint) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
    SELECT p_tenant, p_root, NULL, t, t, 'built_in'
      FROM unnest(ARRAY['AccountAdmin', 'AccountMembership', 'StudentEnrollment', 'TeacherEnrollment',
                        'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions'])
           WITH ORDINALITY AS b(t, n)
     ORDER BY n
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- Seed
-- ---------------------------------------------------------------------------------------------------------

-- The three custom roles and the 23 LTI/LIS roles of a tenant, in id order: Manager, Contributor, Viewer,
-- then the LIS context roles, then the LIS institution roles. Each LTI role gets one of the custom roles'
-- permission sets (or none); see docs-api2.md. Idempotent: a tenant that already has api2 roles is skipped.
-- Runs as the owner (rd_tenant_create, the migration below).
CREATE OR REPLACE FUNCTION rd_api2_seed_tenant(p_tenant bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    viewer text[] := ARRAY['collection-read', 'comment-read', 'media-play', 'media-read'];
    contributor text[] := ARRAY['collection-read', 'comment-create', 'comment-read', 'media-create',
                                'media-download', 'media-like', 'media-play', 'media-read'];
    manager text[] := ARRAY(SELECT name FROM api2_permissions ORDER BY name);
BEGIN
    IF EXISTS (SELECT 1 FROM api2_roles r WHERE r.tenant_id = p_tenant) THEN
        RETURN;
    END IF;
    WITH seed (n, display_name, lti, perms) AS (
        VALUES (1, 'Manager', false, manager),
               (2, 'Contributor', false, contributor),
               (3, 'Viewer', false, viewer),
               (10, 'LTI Context Learner', true, viewer),
               (11, 'LTI Context Instructor', true, contributor),
               (12, 'LTI Context ContentDeveloper', true, contributor),
               (13, 'LTI Context Member', true, viewer),
               (14, 'LTI Context Manager', true, contributor),
               (15, 'LTI Context Mentor', true, viewer),
               (16, 'LTI Context Administrator', true, manager),
               (17, 'LTI Context TeachingAssistant', true, contributor),
               (20, 'LTI Institution Student', true, viewer),
               (21, 'LTI Institution Faculty', true, contributor),
               (22, 'LTI Institution Member', true, viewer),
               (23, 'LTI Institution Learner', true, viewer),
               (24, 'LTI Institution Instructor', true, contributor),
               (25, 'LTI Institution Mentor', true, viewer),
               (26, 'LTI Institution Staff', true, contributor),
               (27, 'LTI Institution Alumni', true, viewer),
               (28, 'LTI Institution ProspectiveStudent', true, '{}'::text[]),
               (29, 'LTI Institution Guest', true, '{}'::text[]),
               (30, 'LTI Institution Other', true, '{}'::text[]),
               (31, 'LTI Institution Administrator', true, manager),
               (32, 'LTI Institution Observer', true, viewer),
               (33, 'LTI Institution None', true, '{}'::text[]),
               (34, 'LTI Institution SysAdmin', true, manager)
    ),
    ins AS (
        INSERT INTO api2_roles (tenant_id, display_name, deletable, lti)
        SELECT p_tenant, s.display_name, NOT s.lti, s.lti FROM seed s ORDER BY s.n
        RETURNING id, display_name
    )
    INSERT INTO api2_role_permissions (tenant_id, role_id, permission)
    SELECT p_tenant, ins.id, p
      FROM ins JOIN seed s ON s.display_name = ins.display_name, unnest(s.perms) p;
END $$;

-- rolesd tenant create (0001's body, unchanged but for the last line): tenant, hosts, root account, built-in
-- roles, admin user holding AccountAdmin on the root account (and api2 Administrator), a first access token,
-- the api2 roles, and now My Site with the built-in groups.
CREATE OR REPLACE FUNCTION rd_tenant_create(p_name text, p_hosts text[], p_admin_name text,
                                            p_token_hash text, p_token_hint text,
                                            OUT tenant_id bigint, OUT root_account_id bigint,
                                            OUT admin_user_id bigint, OUT token_id bigint)
    LANGUAGE plpgsql
    AS $$
DECLARE
    admin_role bigint;
BEGIN
    -- provisioning is not audited (some 200 rows of seed per tenant); the trail starts with the tenant
    PERFORM set_config('rolesd.audit_off', 'on', true);
    INSERT INTO tenants (name) VALUES (p_name) RETURNING id INTO tenant_id;
    INSERT INTO tenant_hosts (host, tenant_id) SELECT lower(h), rd_tenant_create.tenant_id FROM unnest(p_hosts) h;
    PERFORM set_config('rolesd.tenant_id', tenant_id::text, true);
    INSERT INTO accounts (tenant_id, name) VALUES (tenant_id, p_name) RETURNING id INTO root_account_id;
    UPDATE tenants SET root_account_id = rd_tenant_create.root_account_id WHERE id = tenant_id;
    PERFORM rd_create_builtin_roles(tenant_id, root_account_id);
    SELECT r.id INTO admin_role FROM roles r
     WHERE r.tenant_id = rd_tenant_create.tenant_id AND r.root_account_id = rd_tenant_create.root_account_id
       AND r.workflow_state = 'built_in' AND r.name = 'AccountAdmin';
    INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id, is_admin)
    VALUES (tenant_id, p_admin_name, p_admin_name, p_admin_name, 'admin', root_account_id, true)
    RETURNING id INTO admin_user_id;
    INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
    VALUES (tenant_id, root_account_id, admin_user_id, admin_role);
    INSERT INTO access_tokens (tenant_id, user_id, token_hash, token_hint, purpose)
    VALUES (tenant_id, admin_user_id, decode(p_token_hash, 'hex'), p_token_hint, 'tenant admin')
    RETURNING id INTO token_id;
    PERFORM rd_api2_seed_tenant(tenant_id);
    PERFORM rd_api2_collections_seed(tenant_id);
    PERFORM set_config('rolesd.audit_off', '', true);
END $$;

-- Raises rolesd's generic not-found (RD404); typed bigint so it can stand where an id is expected.
CREATE OR REPLACE FUNCTION rd_not_found() RETURNS bigint
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404'; END $$;

-- rd_iso was declared IMMUTABLE around to_char(), which is only STABLE; PostgreSQL never inlines a SQL
-- function whose body is more volatile than its declaration, so every call went through the SQL-function
-- executor, which re-parses and re-plans the body on each outer query (about 30 us a call, two calls per
-- api2 role, two per Canvas role). Declared STABLE it is inlined into its callers.
CREATE OR REPLACE FUNCTION rd_iso(ts timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- rd_fail raises rolesd's error codes from inside a plain SQL expression (CASE WHEN <error> THEN
-- rd_fail(...) ELSE <answer> END). It lets hot read paths be ONE prepared statement instead of a plpgsql
-- function calling plpgsql functions: PostgreSQL caches the statement's plan once per connection, while
-- every nested function call costs its own executor start-up (api2 GET role: 4.5k -> 8.6k calls/s).
CREATE OR REPLACE FUNCTION rd_fail(p_code text, p_message text) RETURNS text
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION '%', p_message USING ERRCODE = p_code; END $$;
