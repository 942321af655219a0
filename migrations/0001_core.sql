-- 0001_core: tenants, hosts, accounts, users, tokens, Canvas roles and admins, row-level security.
--
-- Every tenant-owned table carries tenant_id as the first column of its primary key and of every index,
-- and is guarded by a row-level-security policy keyed on the transaction-local setting rolesd.tenant_id
-- (set by rd_ctx() inside each request's transaction). The service connects as rolesd_app, which owns
-- nothing, so the policies always apply to it. Migrations run as the owner role.

CREATE FUNCTION rd_tenant() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint $$;

CREATE FUNCTION rd_user() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('rolesd.user_id', true), '')::bigint $$;

CREATE TABLE tenants (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (name <> ''),
    root_account_id bigint,
    -- Canvas permission conditions (feature flags, account settings, plugins): see 0002.
    settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
    read_only       boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_hosts (
    host      text PRIMARY KEY CHECK (host = lower(host) AND host <> ''),
    tenant_id bigint NOT NULL REFERENCES tenants ON DELETE CASCADE
);
CREATE INDEX tenant_hosts_tenant ON tenant_hosts (tenant_id);

CREATE TABLE accounts (
    tenant_id         bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id                bigserial,
    parent_account_id bigint,
    root_account_id   bigint,
    name              text NOT NULL,
    uuid              uuid NOT NULL DEFAULT gen_random_uuid(),
    sis_account_id    text,
    workflow_state    text NOT NULL DEFAULT 'active' CHECK (workflow_state IN ('active', 'deleted')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_account_id) REFERENCES accounts (tenant_id, id),
    CHECK (parent_account_id IS DISTINCT FROM id),
    CHECK ((parent_account_id IS NULL) = (root_account_id IS NULL))
);
CREATE INDEX accounts_parent ON accounts (tenant_id, parent_account_id, id);
CREATE UNIQUE INDEX accounts_sis ON accounts (tenant_id, sis_account_id)
    WHERE sis_account_id IS NOT NULL AND workflow_state <> 'deleted';

CREATE TABLE users (
    tenant_id      bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id             bigserial,
    name           text NOT NULL,
    sortable_name  text,
    short_name     text,
    login_id       text,
    sis_user_id    text,
    account_id     bigint,
    -- api2 "Administrator user" (may use /api2/roles).
    is_admin       boolean NOT NULL DEFAULT false,
    workflow_state text NOT NULL DEFAULT 'active' CHECK (workflow_state IN ('active', 'deleted')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_login ON users (tenant_id, lower(login_id)) WHERE login_id IS NOT NULL;
CREATE UNIQUE INDEX users_sis ON users (tenant_id, sis_user_id) WHERE sis_user_id IS NOT NULL;

CREATE TABLE access_tokens (
    tenant_id    bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id           bigserial,
    user_id      bigint NOT NULL,
    -- SHA-256 of the token; the token itself is never stored.
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    token_hint   text NOT NULL,
    purpose      text,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE UNIQUE INDEX access_tokens_hash ON access_tokens (tenant_id, token_hash);
CREATE INDEX access_tokens_user ON access_tokens (tenant_id, user_id);

-- Canvas roles (canvas-roles.md §1.2). Built-in roles have account_id NULL and workflow_state 'built_in'.
CREATE TABLE roles (
    tenant_id       bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id              bigserial,
    root_account_id bigint NOT NULL,
    account_id      bigint,
    name            text NOT NULL,
    base_role_type  text NOT NULL CHECK (base_role_type IN ('AccountAdmin', 'AccountMembership',
                        'StudentEnrollment', 'TeacherEnrollment', 'TaEnrollment', 'DesignerEnrollment',
                        'ObserverEnrollment', 'NoPermissions')),
    workflow_state  text NOT NULL CHECK (workflow_state IN ('active', 'inactive', 'built_in', 'deleted')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, root_account_id) REFERENCES accounts (tenant_id, id),
    CHECK ((workflow_state = 'built_in') = (account_id IS NULL))
);
CREATE UNIQUE INDEX roles_active_name ON roles (tenant_id, account_id, name) WHERE workflow_state = 'active';
CREATE UNIQUE INDEX roles_builtin_name ON roles (tenant_id, root_account_id, name) WHERE workflow_state = 'built_in';
CREATE INDEX roles_account ON roles (tenant_id, account_id, id);

CREATE TABLE role_overrides (
    tenant_id              bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id                     bigserial,
    account_id             bigint NOT NULL,
    role_id                bigint NOT NULL,
    permission             text NOT NULL,
    enabled                boolean NOT NULL DEFAULT true,
    locked                 boolean NOT NULL DEFAULT false,
    applies_to_self        boolean NOT NULL DEFAULT true,
    applies_to_descendants boolean NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, account_id, role_id, permission),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id),
    CONSTRAINT role_overrides_applies_to_something CHECK (applies_to_self OR applies_to_descendants)
);
CREATE INDEX role_overrides_role ON role_overrides (tenant_id, role_id, account_id);

-- Account admins: who holds which account role where (Canvas AccountUser).
CREATE TABLE account_users (
    tenant_id      bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id             bigserial,
    account_id     bigint NOT NULL,
    user_id        bigint NOT NULL,
    role_id        bigint NOT NULL,
    workflow_state text NOT NULL DEFAULT 'active' CHECK (workflow_state IN ('active', 'deleted')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);
CREATE UNIQUE INDEX account_users_active ON account_users (tenant_id, account_id, user_id, role_id)
    WHERE workflow_state = 'active';
CREATE INDEX account_users_user ON account_users (tenant_id, user_id) WHERE workflow_state = 'active';

-- Row-level security: one policy per tenant-owned table.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'users', 'access_tokens', 'roles', 'role_overrides', 'account_users']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = rd_tenant()) '
                       'WITH CHECK (tenant_id = rd_tenant())', t);
    END LOOP;
END $$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_self ON tenants USING (id = rd_tenant());

-- The app role reads and writes tenant data; it never sees tenant_hosts directly.
GRANT SELECT ON tenants TO rolesd_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, users, access_tokens, roles, role_overrides, account_users
    TO rolesd_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rolesd_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO rolesd_app;

-- Host -> tenant, for the app role which cannot read tenant_hosts. SECURITY DEFINER with a pinned
-- search_path so the lookup cannot be redirected.
CREATE FUNCTION rd_host_tenant(p_host text) RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT tenant_id FROM tenant_hosts WHERE host = lower(p_host) $$;

-- The account chain [X, parent(X), ..., root] with depth 0 at X. The CYCLE clause stops on corrupt data
-- (a loop in parent_account_id) instead of recursing forever; the depth cap is a second fence.
CREATE FUNCTION rd_account_chain(p_account bigint)
    RETURNS TABLE (account_id bigint, depth int)
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE chain (id, parent, depth) AS (
        SELECT a.id, a.parent_account_id, 0 FROM accounts a WHERE a.id = p_account
        UNION ALL
        SELECT a.id, a.parent_account_id, c.depth + 1
        FROM accounts a JOIN chain c ON a.id = c.parent
        WHERE c.depth < 10000
    ) CYCLE id SET is_cycle USING path
    SELECT id, depth FROM chain WHERE NOT is_cycle
    $$;

-- Per-request context: resolves the tenant from the host and the caller from the token hash, and sets
-- both as transaction-local settings for RLS and for the operation that follows in the same transaction.
-- Errors use rolesd's own SQLSTATEs, which db/db.c maps to the error enum:
--   RDH04 unknown host, RD401 bad token (message says which).
CREATE FUNCTION rd_ctx(p_host text, p_token_hash text,
                       OUT tenant_id bigint, OUT root_account_id bigint, OUT user_id bigint,
                       OUT is_admin boolean, OUT read_only boolean)
    LANGUAGE plpgsql
    AS $$
DECLARE
    tok record;
BEGIN
    tenant_id := rd_host_tenant(p_host);
    IF tenant_id IS NULL THEN
        RAISE EXCEPTION 'unknown host' USING ERRCODE = 'RDH04';
    END IF;
    PERFORM set_config('rolesd.tenant_id', tenant_id::text, true);
    PERFORM set_config('rolesd.user_id', '', true);
    SELECT t.root_account_id, t.read_only INTO root_account_id, read_only FROM tenants t WHERE t.id = tenant_id;
    IF p_token_hash IS NULL THEN
        RETURN;
    END IF;
    SELECT t.user_id, t.expires_at, t.revoked_at, u.is_admin, u.workflow_state
      INTO tok
      FROM access_tokens t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
     WHERE t.tenant_id = rd_ctx.tenant_id AND t.token_hash = decode(p_token_hash, 'hex');
    IF NOT FOUND OR tok.workflow_state <> 'active' THEN
        RAISE EXCEPTION 'Invalid access token.' USING ERRCODE = 'RD401';
    ELSIF tok.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'Revoked access token.' USING ERRCODE = 'RD401';
    ELSIF tok.expires_at IS NOT NULL AND tok.expires_at <= now() THEN
        RAISE EXCEPTION 'Expired access token.' USING ERRCODE = 'RD401';
    END IF;
    user_id := tok.user_id;
    is_admin := tok.is_admin;
    PERFORM set_config('rolesd.user_id', user_id::text, true);
END $$;

-- Built-in Canvas roles of a root account, in BASE_TYPES order (the list endpoint relies on id order).
CREATE FUNCTION rd_create_builtin_roles(p_tenant bigint, p_root bigint) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
    SELECT p_tenant, p_root, NULL, t, t, 'built_in'
      FROM unnest(ARRAY['AccountAdmin', 'AccountMembership', 'StudentEnrollment', 'TeacherEnrollment',
                        'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions'])
           WITH ORDINALITY AS b(t, n)
     ORDER BY n
    $$;

-- Seeds a new tenant's api2 roles; replaced by the api2 migration.
CREATE FUNCTION rd_api2_seed_tenant(p_tenant bigint) RETURNS void
    LANGUAGE sql AS $$ SELECT $$;

-- rolesd tenant create: tenant, hosts, root account, built-in roles, admin user holding AccountAdmin on
-- the root account (and api2 Administrator), and a first access token (hash computed by the caller).
-- Runs as the owner role (the admin CLI), inside the caller's transaction.
CREATE FUNCTION rd_tenant_create(p_name text, p_hosts text[], p_admin_name text,
                                 p_token_hash text, p_token_hint text,
                                 OUT tenant_id bigint, OUT root_account_id bigint, OUT admin_user_id bigint,
                                 OUT token_id bigint)
    LANGUAGE plpgsql
    AS $$
DECLARE
    admin_role bigint;
BEGIN
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
END $$;

-- Raises rolesd's generic not-found (RD404); typed bigint so it can stand where an id is expected.
CREATE FUNCTION rd_not_found() RETURNS bigint
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404'; END $$;

-- Resolves a Canvas :account_id (canvas-conventions.md "Ids in URLs"): numeric id, self (the tenant's root),
-- sis_account_id:<v>, hex:sis_account_id:<hex>; surrounding whitespace is stripped. Only active accounts of
-- the current tenant (RLS) are found. Anything else raises RD404.
CREATE FUNCTION rd_account_resolve(p_ref text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ref text := btrim(p_ref, E' \t\r\n');
    sis text;
    found_id bigint;
BEGIN
    IF ref = 'self' THEN
        SELECT t.root_account_id INTO found_id FROM tenants t WHERE t.id = rd_tenant();
    ELSIF ref ~ '^[0-9]{1,19}$' THEN
        IF ref::numeric <= 9223372036854775807 THEN
            SELECT a.id INTO found_id FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.id = ref::bigint AND a.workflow_state = 'active';
        END IF;
        RETURN CASE WHEN found_id IS NULL THEN rd_not_found() ELSE found_id END;
    ELSE
        IF ref LIKE 'sis_account_id:%' THEN
            sis := substr(ref, 16);
        ELSIF ref LIKE 'hex:sis_account_id:%' AND substr(ref, 20) ~ '^([0-9a-fA-F]{2})+$' THEN
            BEGIN
                sis := convert_from(decode(substr(ref, 20), 'hex'), 'UTF8');
            EXCEPTION WHEN OTHERS THEN
                sis := NULL;
            END;
        END IF;
        IF sis IS NOT NULL AND sis <> '' THEN
            SELECT a.id INTO found_id FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.sis_account_id = sis AND a.workflow_state = 'active';
        END IF;
    END IF;
    IF found_id IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN found_id;
END $$;

-- ISO-8601 UTC without fractional seconds, as Canvas and api2 print timestamps.
CREATE FUNCTION rd_iso(ts timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- The caller as a Canvas User object (GET /api/v1/users/self). RDU01 when anonymous.
CREATE FUNCTION rd_user_self_json() RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    body text;
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
    END IF;
    SELECT json_build_object('id', u.id, 'name', u.name, 'created_at', rd_iso(u.created_at),
                             'sortable_name', u.sortable_name, 'short_name', u.short_name,
                             'sis_user_id', u.sis_user_id, 'integration_id', NULL,
                             'login_id', u.login_id)::text
      INTO body
      FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = rd_user();
    RETURN body;
END $$;
