-- 0005_accounts_users_admins: Canvas accounts and sub-accounts, users, access tokens, account admins,
-- effective permissions of a user (canvas-roles.md §3.3), permission checks and `explain`.
--
-- Every endpoint is ONE function call (one statement after rd_ctx, one round trip, one transaction). Each
-- function resolves its URL ids first (RD404), then checks the caller (RDU01 anonymous, RD403 with DETAIL
-- {"permission":..,"account_id":..} for a missing permission — the permission the route table declares is
-- passed in as p_perm), then validates (RD422 with the Canvas error body as DETAIL, nothing written), then
-- works. Lists return (account_id, body, next_page): the resolved account id for Link URLs, the JSON array,
-- and the opaque keyset bookmark of the next page (NULL on the last page).

-- ---------------------------------------------------------------------------------------------------------
-- Errors and small helpers
-- ---------------------------------------------------------------------------------------------------------

-- Canvas model-error body {"errors":{attr:[{attribute,type,message}]}} (canvas-roles.md §2.10), raised as
-- RD422 (Canvas 400). p_scope nests it one level deeper ({"errors":{"pseudonym":{attr:[..]}}}) as Canvas'
-- user creation does.
CREATE FUNCTION rd_acct_invalid(p_attr text, p_type text, p_message text, p_scope text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs json := json_build_object(p_attr, json_build_array(
                     json_build_object('attribute', p_attr, 'type', p_type, 'message', p_message)));
BEGIN
    IF p_scope = 'user' THEN
        errs := json_build_object('user', errs, 'pseudonym', '{}'::json);
    ELSIF p_scope = 'pseudonym' THEN
        errs := json_build_object('user', '{}'::json, 'pseudonym', errs);
    END IF;
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'RD422',
        DETAIL = json_build_object('errors', errs)::text;
END $$;

-- Serialises changes to the shape of one tenant's account tree (create, move, delete), so two concurrent
-- moves cannot build a cycle and a sub-account cannot be created under an account being deleted.
CREATE FUNCTION rd_acct_tree_lock() RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_advisory_xact_lock(hashtextextended('rolesd.account_tree', rd_tenant())) $$;

-- Opaque keyset bookmarks for `page`: base64url of a small JSON array. Decoding anything else is RDP04
-- (Canvas' 404 for a bad page), never an internal error.
CREATE FUNCTION rd_bookmark_encode(p jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT 'bk' || translate(rtrim(replace(encode(convert_to(p::text, 'UTF8'), 'base64'), E'\n', ''), '='),
                                   '+/', '-_') $$;

CREATE FUNCTION rd_bookmark_decode(p text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    AS $$
DECLARE
    b text;
    j jsonb;
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    IF p !~ '^bk[A-Za-z0-9_-]+$' OR length(p) > 400 THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    b := translate(substr(p, 3), '-_', '+/');
    b := b || repeat('=', (4 - length(b) % 4) % 4);
    BEGIN
        j := convert_from(decode(b, 'base64'), 'UTF8')::jsonb;
    EXCEPTION WHEN OTHERS THEN
        j := NULL;
    END;
    IF jsonb_typeof(j) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    RETURN j;
END $$;

-- The bigint at position i of a decoded bookmark, or RDP04.
CREATE FUNCTION rd_bookmark_int(p jsonb, i int) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(p -> i) IS DISTINCT FROM 'number' OR (p ->> i) !~ '^[0-9]{1,18}$' THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    RETURN (p ->> i)::bigint;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- JSON shapes (Canvas)
-- ---------------------------------------------------------------------------------------------------------

-- User (the shape of GET /api/v1/users/self, rd_user_self_json).
CREATE FUNCTION rd_user_json(u users) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', u.id, 'name', u.name, 'created_at', rd_iso(u.created_at),
                             'sortable_name', u.sortable_name, 'short_name', u.short_name,
                             'sis_user_id', u.sis_user_id, 'integration_id', NULL, 'login_id', u.login_id)
    $$;

-- Admin {id, role, role_id, user, workflow_state} (canvas-conventions.md).
CREATE FUNCTION rd_admin_json(au account_users, r roles, u users) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', au.id, 'role', r.name, 'role_id', r.id, 'user', rd_user_json(u),
                             'workflow_state', au.workflow_state)
    $$;

-- Access token; the secret is never here (only its hint): the C handler adds `token` to the create answer.
CREATE FUNCTION rd_token_json(t access_tokens) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', t.id, 'user_id', t.user_id, 'purpose', t.purpose,
                             'created_at', rd_iso(t.created_at), 'expires_at', rd_iso(t.expires_at),
                             'workflow_state', CASE WHEN t.revoked_at IS NULL THEN 'active' ELSE 'deleted' END,
                             'token_hint', t.token_hint)
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- Reference resolution
-- ---------------------------------------------------------------------------------------------------------

-- A user reference in a URL or parameter: `self` (the caller; 401 when anonymous), a numeric id, or
-- sis_user_id:<v>; only active users of the current tenant (RLS). Anything else is RD404.
CREATE FUNCTION rd_user_resolve(p_ref text) RETURNS bigint
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
    END IF;
    IF found_id IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN found_id;
END $$;

-- The account a user's permissions are checked on: their home account, or the root when it is unset or gone.
CREATE FUNCTION rd_user_home_account(p_user bigint) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(
        (SELECT a.id FROM users u JOIN accounts a ON a.tenant_id = u.tenant_id AND a.id = u.account_id
          WHERE u.tenant_id = rd_tenant() AND u.id = p_user AND a.workflow_state = 'active'),
        (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()))
    $$;

-- True when p_ancestor is p_account or one of its ancestors.
CREATE FUNCTION rd_account_in_chain(p_ancestor bigint, p_account bigint) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM rd_account_chain(p_account) c WHERE c.account_id = p_ancestor) $$;

-- The account role an admin membership may be given at p_account: role_id (numeric) or, when absent, the
-- deprecated `role` name, else the built-in AccountAdmin. Usable = an account role (AccountAdmin or
-- AccountMembership base) that is either the built-in AccountAdmin of this tenant or active and defined on
-- p_account or an ancestor. With p_any_state (removal) an existing membership's role may also be inactive or
-- a hidden built-in. Not found / not usable: RD404.
CREATE FUNCTION rd_admin_role_resolve(p_account bigint, p_role_id text, p_role_name text, p_any_state boolean)
    RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    rid text := btrim(p_role_id, E' \t\r\n');
    found_id bigint;
BEGIN
    IF rid IS NOT NULL AND rid <> '' THEN
        IF rid ~ '^[0-9]{1,18}$' THEN
            SELECT r.id INTO found_id FROM roles r
             WHERE r.tenant_id = rd_tenant() AND r.id = rid::bigint
               AND r.base_role_type IN ('AccountAdmin', 'AccountMembership')
               AND ((r.workflow_state = 'built_in' AND (p_any_state OR r.name = 'AccountAdmin'))
                    OR ((r.workflow_state = 'active' OR (p_any_state AND r.workflow_state = 'inactive'))
                        AND rd_account_in_chain(r.account_id, p_account)));
        END IF;
    ELSIF p_role_name IS NOT NULL AND p_role_name <> '' THEN
        SELECT r.id INTO found_id
          FROM roles r LEFT JOIN rd_account_chain(p_account) c ON c.account_id = r.account_id
         WHERE r.tenant_id = rd_tenant() AND r.name = p_role_name
           AND r.base_role_type IN ('AccountAdmin', 'AccountMembership')
           AND ((r.workflow_state = 'built_in' AND (p_any_state OR r.name = 'AccountAdmin'))
                OR ((r.workflow_state = 'active' OR (p_any_state AND r.workflow_state = 'inactive'))
                    AND c.account_id IS NOT NULL))
         ORDER BY r.workflow_state = 'built_in' DESC, c.depth, r.id
         LIMIT 1;
    ELSE
        SELECT r.id INTO found_id FROM roles r
         WHERE r.tenant_id = rd_tenant() AND r.workflow_state = 'built_in' AND r.name = 'AccountAdmin';
    END IF;
    IF found_id IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN found_id;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Effective permissions (canvas-roles.md §3.1 with RC = the membership's account, §3.3)
-- ---------------------------------------------------------------------------------------------------------

-- The permission catalogue, its per-tenant conditions, the defaults per base role type
-- (rd_permission_defaults), the manageable permissions of an account (rd_manageable_permissions) and the
-- caller's effective permission (rd_canvas_user_has, §3.3, any permission) come from 0002_canvas.sql; this
-- file builds on them and does not repeat them.

CREATE FUNCTION rd_permission_exists(p_permission text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT EXISTS (SELECT 1 FROM canvas_permissions p WHERE p.name = p_permission) $$;

-- The walk of canvas-roles.md §3.1 for one admin membership (role p_role held on account p_rc) checking
-- permissions on p_account (p_rc or a descendant), as one row per (permission, account of the chain root..X).
-- rd_canvas_user_has (0002) answers whether a user holds a permission; this is the same walk for a role
-- rather than a user, step by step, for the questions that function cannot answer: what would a membership
-- of role R at U confer (admin grants, the superset rule, explain's would_grant) and why (explain's walk).
-- tests/sql/test_permissions_effective.sql checks that the two agree. Closed form, set-based, so that all
-- permissions of a role cost one query:
--   * hard lock (base type not available, or the permission disabled for the tenant): the default decides,
--     overrides are ignored; root-only permission and a membership on a sub-account (or a site-admin-only
--     permission anywhere): off, nothing consulted;
--   * at or above the membership account U, each row replaces the value; the topmost locked row stops the
--     walk; otherwise the row nearest U (or the default when there is none) gives the value at U, and a
--     value that is on stops the walk at U ("a sub-account cannot revoke a grant made above");
--   * below U (value off) rows can only add: the first row that is enabled or locked decides;
--   * the decision grants at X iff its set holds `self` when the deciding row is on X, else `descendants`.
-- Columns: decided marks the step whose row (or default, at U) decided; reached = the walk got there.
-- Unknown permission names yield no rows.
CREATE FUNCTION rd_membership_walk(p_role bigint, p_rc bigint, p_account bigint, p_permissions text[])
    RETURNS TABLE (permission text, depth int, account_id bigint, membership_depth int,
                   override_id bigint, enabled boolean, locked boolean,
                   applies_to_self boolean, applies_to_descendants boolean,
                   reached boolean, decided boolean, granted boolean, reason text)
    LANGUAGE sql STABLE
    AS $$
    WITH role AS (
        SELECT r.base_role_type FROM roles r WHERE r.tenant_id = rd_tenant() AND r.id = p_role
    ), chain AS (
        SELECT c.account_id, c.depth FROM rd_account_chain(p_account) c
    ), rc AS (
        SELECT ch.depth AS du,
               (SELECT a.parent_account_id IS NULL FROM accounts a
                 WHERE a.tenant_id = rd_tenant() AND a.id = p_rc) AS rc_is_root
          FROM chain ch WHERE ch.account_id = p_rc
    ), perms AS (
        SELECT d.permission, d.default_on,
               coalesce(d.hard_locked, true) AS hard_locked,
               coalesce(d.account_only = 'site_admin' OR (d.account_only = 'root' AND NOT rc.rc_is_root),
                        false) AS gated
          FROM role, rc, rd_permission_defaults(role.base_role_type, p_permissions) d
    ), steps AS (
        SELECT p.permission, ch.depth, ch.account_id, rc.du, p.default_on, p.hard_locked, p.gated,
               o.id AS oid, o.enabled, o.locked, o.applies_to_self, o.applies_to_descendants
          FROM perms p CROSS JOIN chain ch CROSS JOIN rc
          LEFT JOIN role_overrides o
                 ON NOT (p.hard_locked OR p.gated)
                AND o.tenant_id = rd_tenant() AND o.account_id = ch.account_id
                AND o.role_id = p_role AND o.permission = p.permission
    ), marks AS (
        SELECT s.permission, bool_and(s.hard_locked) AS hard_locked, bool_and(s.gated) AS gated,
               bool_and(s.default_on) AS default_on, min(s.du) AS du,
               max(s.depth) FILTER (WHERE s.oid IS NOT NULL AND s.locked AND s.depth >= s.du) AS lock_d,
               min(s.depth) FILTER (WHERE s.oid IS NOT NULL AND s.depth >= s.du) AS near_d,
               max(s.depth) FILTER (WHERE s.oid IS NOT NULL AND s.depth < s.du
                                      AND (s.locked OR s.enabled)) AS below_d
          FROM steps s GROUP BY s.permission
    ), decision AS (
        SELECT m.permission, m.du,
               CASE WHEN m.hard_locked OR m.gated THEN NULL
                    WHEN m.lock_d IS NOT NULL THEN m.lock_d
                    WHEN m.near_d IS NOT NULL AND (SELECT s.enabled FROM steps s
                                                    WHERE s.permission = m.permission AND s.depth = m.near_d)
                         THEN m.near_d
                    WHEN m.near_d IS NULL AND m.default_on THEN m.du
                    ELSE m.below_d END AS dec_d,
               CASE WHEN m.hard_locked THEN 'unavailable'
                    WHEN m.gated THEN 'scope'
                    WHEN m.lock_d IS NOT NULL THEN 'locked'
                    WHEN m.near_d IS NOT NULL AND (SELECT s.enabled FROM steps s
                                                    WHERE s.permission = m.permission AND s.depth = m.near_d)
                         THEN 'override'
                    WHEN m.near_d IS NULL AND m.default_on THEN 'default'
                    WHEN m.below_d IS NOT NULL THEN 'override_below'
                    ELSE 'not_granted' END AS reason,
               m.default_on
          FROM marks m
    )
    SELECT s.permission, s.depth, s.account_id, d.du, s.oid, s.enabled, s.locked,
           s.applies_to_self, s.applies_to_descendants,
           CASE WHEN d.reason IN ('unavailable', 'scope') THEN false
                ELSE s.depth >= coalesce(d.dec_d, 0) END AS reached,
           s.depth IS NOT DISTINCT FROM d.dec_d AS decided,
           CASE WHEN d.reason = 'unavailable' THEN d.default_on
                WHEN d.reason IN ('scope', 'not_granted') THEN false
                WHEN d.reason = 'default' THEN true
                ELSE fin.enabled AND CASE WHEN d.dec_d = 0 THEN fin.applies_to_self
                                          ELSE fin.applies_to_descendants END END AS granted,
           d.reason
      FROM steps s
      JOIN decision d ON d.permission = s.permission
      LEFT JOIN steps fin ON fin.permission = s.permission AND fin.depth = d.dec_d
    $$;

-- Whether one membership (role on p_rc) grants each of p_permissions on p_account. Unknown names: no row.
CREATE FUNCTION rd_membership_grants(p_role bigint, p_rc bigint, p_account bigint, p_permissions text[])
    RETURNS TABLE (permission text, granted boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT w.permission, bool_or(w.granted)
      FROM rd_membership_walk(p_role, p_rc, p_account, p_permissions) w
     GROUP BY w.permission
    $$;

-- The memberships that count for p_user on p_account: active admin memberships on an active account of the
-- account's chain whose role is active or built-in (an inactive custom role confers nothing).
CREATE FUNCTION rd_user_memberships(p_user bigint, p_account bigint)
    RETURNS TABLE (membership_id bigint, role_id bigint, account_id bigint, depth int)
    LANGUAGE sql STABLE
    AS $$
    SELECT au.id, au.role_id, au.account_id, c.depth
      FROM rd_account_chain(p_account) c
      JOIN account_users au ON au.tenant_id = rd_tenant() AND au.account_id = c.account_id
      JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
      JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
     WHERE au.user_id = p_user AND au.workflow_state = 'active' AND a.workflow_state = 'active'
       AND r.workflow_state IN ('active', 'built_in')
    $$;

-- THE effective-permission function: for each requested permission (all manageable permissions of the
-- account when p_permissions is NULL), whether p_user holds it on p_account through any of their admin
-- memberships on the account's chain (§3.3), decided by 0002's rd_canvas_user_has. Names that are not
-- permissions answer false; each distinct name once.
CREATE FUNCTION rd_user_permissions(p_user bigint, p_account bigint, p_permissions text[])
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

-- The check every endpoint makes: anonymous -> RDU01; p_permission NULL -> any signed-in user; 'read' ->
-- Canvas' :read right on an account, held by anyone with an active admin membership on its chain; any other
-- name -> that permission through §3.3. A failure is RD403 whose DETAIL names the permission and account.
CREATE FUNCTION rd_require_permission(p_account bigint, p_permission text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
    END IF;
    IF p_permission IS NULL THEN
        RETURN;
    END IF;
    IF p_permission = 'read' THEN
        IF EXISTS (SELECT 1 FROM rd_user_memberships(rd_user(), p_account)) THEN
            RETURN;
        END IF;
    ELSIF rd_canvas_user_has(rd_user(), p_account, p_permission) THEN
        RETURN;
    END IF;
    PERFORM rd_forbidden(p_permission, p_account);
END $$;

CREATE FUNCTION rd_forbidden(p_permission text, p_account bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'user not authorized to perform that action' USING ERRCODE = 'RD403',
        DETAIL = json_build_object('permission', p_permission, 'account_id', p_account)::text;
END $$;

-- The first permission that p_role held on p_rc would grant on p_rc but the caller does not hold there, or
-- NULL. Canvas' AccountUser#is_subset_of?: nobody hands out (or takes away, or acts as) more than they hold.
CREATE FUNCTION rd_caller_lacks_for(p_role bigint, p_rc bigint) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    WITH names AS (SELECT array_agg(m.permission) AS arr FROM rd_manageable_permissions(p_rc) m),
    mine AS (SELECT p.permission, p.granted FROM names, rd_user_permissions(rd_user(), p_rc, names.arr) p)
    SELECT g.permission
      FROM names, rd_membership_grants(p_role, p_rc, p_rc, names.arr) g
      JOIN mine ON mine.permission = g.permission
     WHERE g.granted AND NOT mine.granted
     ORDER BY g.permission
     LIMIT 1
    $$;

-- Raises RD403 unless the caller holds every permission that each admin membership of p_user confers where
-- it is held (the caller may then manage p_user's tokens without gaining anything).
CREATE FUNCTION rd_require_superset_of_user(p_user bigint) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    m record;
    missing text;
BEGIN
    FOR m IN SELECT au.role_id, au.account_id FROM account_users au
               JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
               JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
              WHERE au.tenant_id = rd_tenant() AND au.user_id = p_user AND au.workflow_state = 'active'
                AND a.workflow_state = 'active' AND r.workflow_state IN ('active', 'built_in')
              ORDER BY au.id
    LOOP
        missing := rd_caller_lacks_for(m.role_id, m.account_id);
        IF missing IS NOT NULL THEN
            PERFORM rd_forbidden(missing, m.account_id);
        END IF;
    END LOOP;
END $$;

-- The caller may act on p_user's behalf (tokens): themselves, or p_permission on p_user's home account and
-- a superset of p_user's admin permissions.
CREATE FUNCTION rd_require_manage_user(p_user bigint, p_permission text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
    END IF;
    IF p_user = rd_user() THEN
        RETURN;
    END IF;
    PERFORM rd_require_permission(rd_user_home_account(p_user), p_permission);
    PERFORM rd_require_superset_of_user(p_user);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Accounts
-- ---------------------------------------------------------------------------------------------------------

-- GET /api/v1/accounts/:id
CREATE FUNCTION rd_accounts_show(p_ref text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    RETURN (SELECT rd_canvas_account_json(a) FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = acct);
END $$;

-- Shared validation of account[name] / account[sis_account_id] for create and update. p_self: the account
-- being updated (NULL on create). Raises RD422 with the Canvas body; returns nothing.
CREATE FUNCTION rd_accounts_validate(p_self bigint, p_name text, p_sis text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_name IS NOT NULL THEN
        IF btrim(p_name) = '' THEN
            PERFORM rd_acct_invalid('name', 'blank', 'can''t be blank');
        ELSIF length(p_name) > 255 THEN
            PERFORM rd_acct_invalid('name', 'too_long', 'is too long (maximum is 255 characters)');
        END IF;
    END IF;
    IF p_sis IS NOT NULL AND p_sis <> '' THEN
        IF length(p_sis) > 255 THEN
            PERFORM rd_acct_invalid('sis_account_id', 'too_long', 'is too long (maximum is 255 characters)');
        END IF;
        IF EXISTS (SELECT 1 FROM accounts a
                    WHERE a.tenant_id = rd_tenant() AND a.sis_account_id = p_sis
                      AND a.workflow_state <> 'deleted' AND a.id IS DISTINCT FROM p_self) THEN
            PERFORM rd_acct_invalid('sis_account_id', 'taken', format('SIS ID "%s" is already in use', p_sis));
        END IF;
    END IF;
END $$;

-- PUT /api/v1/accounts/:id with account[name], account[sis_account_id] ('' clears it) and
-- account[parent_account_id] (moves a sub-account; never under itself or a descendant). NULL = unchanged.
-- Needs p_perm on the account and, for a move, on the new parent too.
CREATE FUNCTION rd_accounts_update(p_ref text, p_perm text, p_name text, p_sis text, p_parent text)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    cur accounts;
    new_parent bigint;
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_canvas_writable();
    IF p_parent IS NOT NULL THEN
        PERFORM rd_acct_tree_lock();
    END IF;
    SELECT * INTO cur FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = acct FOR UPDATE;
    IF cur.workflow_state <> 'active' THEN
        PERFORM rd_not_found();
    END IF;
    PERFORM rd_accounts_validate(acct, p_name, p_sis);
    IF p_sis IS NOT NULL AND p_sis <> '' AND cur.parent_account_id IS NULL THEN
        PERFORM rd_acct_invalid('sis_account_id', 'invalid', 'cannot be set on a root account');
    END IF;
    IF p_parent IS NOT NULL THEN
        IF cur.parent_account_id IS NULL THEN
            PERFORM rd_acct_invalid('parent_account_id', 'invalid', 'a root account cannot be moved');
        END IF;
        new_parent := rd_account_resolve(p_parent);
        IF rd_account_in_chain(acct, new_parent) THEN
            PERFORM rd_acct_invalid('parent_account_id', 'invalid',
                                    'cannot move an account under itself or one of its sub-accounts');
        END IF;
        PERFORM rd_require_permission(new_parent, p_perm);
    END IF;
    UPDATE accounts a
       SET name = coalesce(p_name, a.name),
           sis_account_id = CASE WHEN p_sis IS NULL THEN a.sis_account_id ELSE nullif(p_sis, '') END,
           parent_account_id = coalesce(new_parent, a.parent_account_id),
           updated_at = now()
     WHERE a.tenant_id = rd_tenant() AND a.id = acct
    RETURNING rd_canvas_account_json(a) INTO body;
    RETURN body;
END $$;

-- The active sub-accounts of p_account (the whole subtree with p_recursive), by id.
CREATE FUNCTION rd_account_subtree(p_account bigint, p_recursive boolean)
    RETURNS TABLE (account_id bigint)
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE sub (id, depth) AS (
        SELECT a.id, 1 FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.parent_account_id = p_account AND a.workflow_state = 'active'
        UNION ALL
        SELECT a.id, s.depth + 1 FROM accounts a JOIN sub s ON a.parent_account_id = s.id
         WHERE p_recursive AND a.tenant_id = rd_tenant() AND a.workflow_state = 'active' AND s.depth < 10000
    ) CYCLE id SET is_cycle USING path
    SELECT id FROM sub WHERE NOT is_cycle
    $$;

-- GET /api/v1/accounts/:account_id/sub_accounts[?recursive=true], keyset-paginated by id.
CREATE FUNCTION rd_accounts_sub_list(p_ref text, p_perm text, p_recursive boolean, p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    after_id bigint := rd_bookmark_int(rd_bookmark_decode(p_page), 0);
    n int := greatest(1, least(coalesce(p_limit, 10), 100));
    ids bigint[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF p_recursive THEN
        SELECT array_agg(s.account_id ORDER BY s.account_id) INTO ids
          FROM (SELECT t.account_id FROM rd_account_subtree(acct, true) t
                 WHERE t.account_id > coalesce(after_id, 0) ORDER BY t.account_id LIMIT n + 1) s;
    ELSE
        SELECT array_agg(a.id ORDER BY a.id) INTO ids
          FROM (SELECT a2.id FROM accounts a2
                 WHERE a2.tenant_id = rd_tenant() AND a2.parent_account_id = acct
                   AND a2.workflow_state = 'active' AND a2.id > coalesce(after_id, 0)
                 ORDER BY a2.id LIMIT n + 1) a;
    END IF;
    account_id := acct;
    next_page := CASE WHEN coalesce(array_length(ids, 1), 0) > n THEN rd_bookmark_encode(jsonb_build_array(ids[n])) END;
    SELECT coalesce(json_agg(rd_canvas_account_json(a)::json ORDER BY a.id), '[]')::text INTO body
      FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = ANY (ids[1:n]);
    RETURN NEXT;
END $$;

-- POST /api/v1/accounts/:account_id/sub_accounts with account[name] (required), account[sis_account_id].
CREATE FUNCTION rd_accounts_sub_create(p_ref text, p_perm text, p_name text, p_sis text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    parent accounts;
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_canvas_writable();
    PERFORM rd_acct_tree_lock();
    SELECT * INTO parent FROM accounts a
     WHERE a.tenant_id = rd_tenant() AND a.id = acct AND a.workflow_state = 'active';
    IF NOT FOUND THEN
        PERFORM rd_not_found();
    END IF;
    PERFORM rd_accounts_validate(NULL, coalesce(p_name, ''), p_sis);
    INSERT INTO accounts AS a (tenant_id, parent_account_id, root_account_id, name, sis_account_id)
    VALUES (rd_tenant(), acct, coalesce(parent.root_account_id, parent.id), p_name, nullif(p_sis, ''))
    RETURNING rd_canvas_account_json(a) INTO body;
    RETURN body;
END $$;

-- DELETE /api/v1/accounts/:account_id/sub_accounts/:id: :id must be in the subtree below :account_id (404
-- otherwise); 409 while it has active sub-accounts. Soft delete; its admin memberships end with it.
CREATE FUNCTION rd_accounts_sub_delete(p_ref text, p_perm text, p_id text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    sub bigint;
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    sub := rd_account_resolve(p_id);
    IF sub = acct OR NOT rd_account_in_chain(acct, sub) THEN
        PERFORM rd_not_found();
    END IF;
    PERFORM rd_canvas_writable();
    PERFORM rd_acct_tree_lock();
    IF EXISTS (SELECT 1 FROM accounts a
                WHERE a.tenant_id = rd_tenant() AND a.parent_account_id = sub AND a.workflow_state = 'active') THEN
        RAISE EXCEPTION 'You can''t delete a sub-account that has sub-accounts' USING ERRCODE = 'RD409';
    END IF;
    UPDATE account_users au SET workflow_state = 'deleted', updated_at = now()
     WHERE au.tenant_id = rd_tenant() AND au.account_id = sub AND au.workflow_state = 'active';
    UPDATE accounts a SET workflow_state = 'deleted', updated_at = now()
     WHERE a.tenant_id = rd_tenant() AND a.id = sub AND a.workflow_state = 'active'
    RETURNING rd_canvas_account_json(a) INTO body;
    IF body IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN body;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Users
-- ---------------------------------------------------------------------------------------------------------

-- Canvas' "Last, First" from a full name (the last word is taken as the surname).
CREATE FUNCTION rd_sortable_name(p_name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN btrim(p_name) ~ '\s'
                THEN regexp_replace(btrim(p_name), '^(.*\S)\s+(\S+)$', '\2, \1')
                ELSE btrim(p_name) END
    $$;

-- POST /api/v1/accounts/:account_id/users with user[name], user[short_name], user[sortable_name],
-- pseudonym[unique_id] (the login, required, unique in the tenant case-insensitively) and
-- pseudonym[sis_user_id] (unique in the tenant). The account becomes the user's home account.
CREATE FUNCTION rd_users_create(p_ref text, p_perm text, p_name text, p_short_name text, p_sortable_name text,
                                p_unique_id text, p_sis_user_id text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    login text := btrim(coalesce(p_unique_id, ''));
    full_name text := nullif(btrim(coalesce(p_name, '')), '');
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_canvas_writable();
    IF login = '' THEN
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
    INSERT INTO users AS u (tenant_id, name, short_name, sortable_name, login_id, sis_user_id, account_id)
    VALUES (rd_tenant(), full_name, coalesce(nullif(btrim(p_short_name), ''), full_name),
            coalesce(nullif(btrim(p_sortable_name), ''), rd_sortable_name(full_name)),
            login, nullif(p_sis_user_id, ''), acct)
    RETURNING rd_user_json(u)::text INTO body;
    RETURN body;
END $$;

-- GET /api/v1/users/:id: the user themselves, or p_perm on the user's home account.
CREATE FUNCTION rd_users_show(p_ref text, p_perm text) RETURNS text
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
-- one of its sub-accounts, by sortable name then id, keyset-paginated. search_term (2+ characters) matches
-- name, sortable name, login and SIS id case-insensitively, or the id exactly.
CREATE FUNCTION rd_users_list(p_ref text, p_perm text, p_search text, p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    bm jsonb := rd_bookmark_decode(p_page);
    after_name text;
    after_id bigint;
    n int := greatest(1, least(coalesce(p_limit, 10), 100));
    term text := btrim(p_search);
    pat text;
    ids bigint[];
    keys text[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF bm IS NOT NULL THEN
        IF jsonb_typeof(bm -> 0) IS DISTINCT FROM 'string' THEN
            RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
        END IF;
        after_name := bm ->> 0;
        after_id := rd_bookmark_int(bm, 1);
    END IF;
    IF term IS NOT NULL AND length(term) < 2 THEN
        RAISE EXCEPTION 'search_term of 2 or more characters is required' USING ERRCODE = 'RD400';
    END IF;
    pat := '%' || replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    SELECT array_agg(x.id ORDER BY x.k, x.id), array_agg(x.k ORDER BY x.k, x.id) INTO ids, keys
      FROM (SELECT u.id, lower(coalesce(u.sortable_name, '')) AS k FROM users u
             WHERE u.tenant_id = rd_tenant() AND u.workflow_state = 'active'
               AND coalesce(u.account_id, (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()))
                   IN (SELECT acct UNION ALL SELECT st.account_id FROM rd_account_subtree(acct, true) st)
               AND (term IS NULL OR u.name ILIKE pat OR u.sortable_name ILIKE pat OR u.login_id ILIKE pat
                    OR u.sis_user_id ILIKE pat OR u.id::text = term)
               AND (after_id IS NULL OR (lower(coalesce(u.sortable_name, '')), u.id) > (after_name, after_id))
             ORDER BY lower(coalesce(u.sortable_name, '')), u.id
             LIMIT n + 1) x;
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
CREATE FUNCTION rd_tokens_create(p_user_ref text, p_perm text, p_purpose text, p_expires_at text,
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
    IF p_purpose IS NULL OR btrim(p_purpose) = '' THEN
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
CREATE FUNCTION rd_tokens_list(p_user_ref text, p_perm text, p_offset bigint, p_limit int)
    RETURNS TABLE (user_id bigint, total bigint, body text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    uid bigint := rd_user_resolve(p_user_ref);
BEGIN
    PERFORM rd_require_manage_user(uid, p_perm);
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
CREATE FUNCTION rd_tokens_delete(p_user_ref text, p_perm text, p_token_ref text) RETURNS text
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

-- ---------------------------------------------------------------------------------------------------------
-- Admins (account memberships)
-- ---------------------------------------------------------------------------------------------------------

-- One page of the admin memberships held on p_account (only there, not inherited), by id; p_user limits it
-- to one user, p_users to a list.
CREATE FUNCTION rd_admins_page(p_account bigint, p_users bigint[], p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    after_id bigint := rd_bookmark_int(rd_bookmark_decode(p_page), 0);
    n int := greatest(1, least(coalesce(p_limit, 10), 100));
    ids bigint[];
BEGIN
    SELECT array_agg(x.id ORDER BY x.id) INTO ids
      FROM (SELECT au.id FROM account_users au
             WHERE au.tenant_id = rd_tenant() AND au.account_id = p_account AND au.workflow_state = 'active'
               AND (p_users IS NULL OR au.user_id = ANY (p_users)) AND au.id > coalesce(after_id, 0)
             ORDER BY au.id LIMIT n + 1) x;
    account_id := p_account;
    next_page := CASE WHEN coalesce(array_length(ids, 1), 0) > n THEN rd_bookmark_encode(jsonb_build_array(ids[n])) END;
    SELECT coalesce(json_agg(rd_admin_json(au, r, u) ORDER BY au.id), '[]')::text INTO body
      FROM account_users au
      JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
      JOIN users u ON u.tenant_id = au.tenant_id AND u.id = au.user_id
     WHERE au.tenant_id = rd_tenant() AND au.id = ANY (ids[1:n]);
    RETURN NEXT;
END $$;

-- GET /api/v1/accounts/:account_id/admins[?user_id[]=..]
CREATE FUNCTION rd_admins_list(p_ref text, p_perm text, p_user_ids text[], p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uids bigint[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF p_user_ids IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM unnest(p_user_ids) v WHERE v IS NULL OR v !~ '^[0-9]{1,18}$') THEN
            RAISE EXCEPTION 'user_id must be a list of numeric user ids' USING ERRCODE = 'RD400';
        END IF;
        uids := ARRAY(SELECT v::bigint FROM unnest(p_user_ids) v);
    END IF;
    RETURN QUERY SELECT * FROM rd_admins_page(acct, uids, p_page, p_limit);
END $$;

-- GET /api/v1/accounts/:account_id/admins/self: the caller's own memberships on that account.
CREATE FUNCTION rd_admins_self(p_ref text, p_perm text, p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    RETURN QUERY SELECT * FROM rd_admins_page(acct, ARRAY[rd_user()], p_page, p_limit);
END $$;

-- POST /api/v1/accounts/:account_id/admins with user_id, role_id (or the deprecated role name; default the
-- built-in AccountAdmin). Idempotent: an existing active membership is answered as is. The caller must
-- hold every permission the membership would confer there (Canvas' is_subset_of?), else 403 naming one.
CREATE FUNCTION rd_admins_create(p_ref text, p_perm text, p_user_ref text, p_role_id text, p_role_name text)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uid bigint;
    rid bigint;
    missing text;
    mid bigint;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF p_user_ref IS NULL OR btrim(p_user_ref) = '' THEN
        RAISE EXCEPTION 'missing required parameter ''user_id''' USING ERRCODE = 'RD400';
    END IF;
    uid := rd_user_resolve(p_user_ref);
    rid := rd_admin_role_resolve(acct, p_role_id, p_role_name, false);
    missing := rd_caller_lacks_for(rid, acct);
    IF missing IS NOT NULL THEN
        PERFORM rd_forbidden(missing, acct);
    END IF;
    PERFORM rd_canvas_writable();
    INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
    VALUES (rd_tenant(), acct, uid, rid)
    ON CONFLICT (tenant_id, account_id, user_id, role_id) WHERE workflow_state = 'active' DO NOTHING
    RETURNING id INTO mid;
    IF mid IS NULL THEN
        SELECT au.id INTO mid FROM account_users au
         WHERE au.tenant_id = rd_tenant() AND au.account_id = acct AND au.user_id = uid AND au.role_id = rid
           AND au.workflow_state = 'active';
    END IF;
    RETURN (SELECT rd_admin_json(au, r, u)::text
              FROM account_users au
              JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
              JOIN users u ON u.tenant_id = au.tenant_id AND u.id = au.user_id
             WHERE au.tenant_id = rd_tenant() AND au.id = mid);
END $$;

-- DELETE /api/v1/accounts/:account_id/admins/:user_id[?role_id=] (default role: the built-in AccountAdmin).
-- 404 when the user holds no such active membership on that account; same subset rule as create.
CREATE FUNCTION rd_admins_delete(p_ref text, p_perm text, p_user_ref text, p_role_id text, p_role_name text)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uid bigint;
    rid bigint;
    missing text;
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    uid := rd_user_resolve(p_user_ref);
    rid := rd_admin_role_resolve(acct, p_role_id, p_role_name, true);
    IF NOT EXISTS (SELECT 1 FROM account_users au
                    WHERE au.tenant_id = rd_tenant() AND au.account_id = acct AND au.user_id = uid
                      AND au.role_id = rid AND au.workflow_state = 'active') THEN
        PERFORM rd_not_found();
    END IF;
    missing := rd_caller_lacks_for(rid, acct);
    IF missing IS NOT NULL THEN
        PERFORM rd_forbidden(missing, acct);
    END IF;
    PERFORM rd_canvas_writable();
    WITH gone AS (
        UPDATE account_users au SET workflow_state = 'deleted', updated_at = now()
         WHERE au.tenant_id = rd_tenant() AND au.account_id = acct AND au.user_id = uid AND au.role_id = rid
           AND au.workflow_state = 'active'
        RETURNING au.*
    )
    SELECT rd_admin_json(g::account_users, r, u)::text INTO body
      FROM gone g
      JOIN roles r ON r.tenant_id = g.tenant_id AND r.id = g.role_id
      JOIN users u ON u.tenant_id = g.tenant_id AND u.id = g.user_id;
    IF body IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN body;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Permission checks and explain
-- ---------------------------------------------------------------------------------------------------------

-- GET /api/v1/accounts/:account_id/permissions?permissions[]=..: {"name": bool, ...} for the caller, in the
-- order asked (every manageable permission of the account, by name, when none is named).
CREATE FUNCTION rd_permissions_check(p_ref text, p_perm text, p_permissions text[]) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    names text[] := CASE WHEN cardinality(p_permissions) > 0 THEN p_permissions END;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF names IS NULL THEN
        RETURN (SELECT coalesce(json_object_agg(p.permission, p.granted ORDER BY p.permission), '{}')::text
                  FROM rd_user_permissions(rd_user(), acct, NULL) p);
    END IF;
    RETURN (SELECT coalesce(json_object_agg(w.n, p.granted ORDER BY w.o), '{}')::text
              FROM (SELECT n, min(o) AS o FROM unnest(names) WITH ORDINALITY AS x(n, o) GROUP BY n) w
              JOIN rd_user_permissions(rd_user(), acct, names) p ON p.permission = w.n);
END $$;

-- GET /api/v1/accounts/:account_id/permissions/:permission/explain?user_id=ID (default: the caller). The
-- caller may explain themselves; anyone else needs p_perm (manage_role_overrides) on the account.
-- Answers whether the user holds the permission there, and why: each membership on the chain with the walk
-- of §3.1 step by step (root first), and what would grant it: the account roles usable there that grant
-- it, and for each role the user holds without the grant the accounts where an override may still change
-- it (no lock above). Unknown permission: 404.
CREATE FUNCTION rd_permissions_explain(p_ref text, p_perm text, p_permission text, p_user_ref text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uid bigint;
    result json;
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
    END IF;
    uid := rd_user_resolve(coalesce(nullif(btrim(p_user_ref), ''), 'self'));
    IF uid <> rd_user() THEN
        PERFORM rd_require_permission(acct, p_perm);
    END IF;
    IF NOT rd_permission_exists(p_permission) THEN
        PERFORM rd_not_found();
    END IF;
    WITH ms AS (
        SELECT m.membership_id, m.role_id, m.account_id, m.depth, r.name, r.base_role_type
          FROM rd_user_memberships(uid, acct) m
          JOIN roles r ON r.tenant_id = rd_tenant() AND r.id = m.role_id
    ), walks AS (
        SELECT ms.membership_id, w.*
          FROM ms, LATERAL rd_membership_walk(ms.role_id, ms.account_id, acct, ARRAY[p_permission]) w
    ), per_m AS (
        SELECT ms.*, bool_or(w.granted) AS granted, min(w.reason) AS reason,
               (SELECT wd.account_id FROM walks wd
                 WHERE wd.membership_id = ms.membership_id AND wd.decided) AS decided_at,
               json_agg(json_build_object(
                   'account_id', w.account_id,
                   'membership_account', w.depth = w.membership_depth,
                   'override', CASE WHEN w.override_id IS NULL THEN NULL ELSE json_build_object(
                       'id', w.override_id, 'enabled', w.enabled, 'locked', w.locked,
                       'applies_to', to_json(array_remove(ARRAY[
                           CASE WHEN w.applies_to_self THEN 'self' END,
                           CASE WHEN w.applies_to_descendants THEN 'descendants' END], NULL))) END,
                   'reached', w.reached,
                   'decided', w.decided) ORDER BY w.depth DESC) AS walk
          FROM ms JOIN walks w ON w.membership_id = ms.membership_id
         GROUP BY ms.membership_id, ms.role_id, ms.account_id, ms.depth, ms.name, ms.base_role_type
    ), usable AS (
        SELECT r.id, r.name, r.base_role_type, r.workflow_state, r.account_id
          FROM roles r
         WHERE r.tenant_id = rd_tenant() AND r.base_role_type IN ('AccountAdmin', 'AccountMembership')
           AND ((r.workflow_state = 'built_in' AND r.name = 'AccountAdmin')
                OR (r.workflow_state = 'active' AND rd_account_in_chain(r.account_id, acct)))
    ), granting AS (
        SELECT u.* FROM usable u
         WHERE EXISTS (SELECT 1 FROM rd_membership_grants(u.id, acct, acct, ARRAY[p_permission]) g WHERE g.granted)
    ), changeable AS (
        -- for each role the user holds without the grant: the chain accounts (root first) whose override
        -- would not be locked from above (none when the permission is unavailable or out of scope)
        SELECT pm.role_id, pm.name,
               coalesce((SELECT json_agg(w.account_id ORDER BY w.depth DESC)
                           FROM walks w
                          WHERE w.membership_id = pm.membership_id AND pm.reason NOT IN ('unavailable', 'scope')
                            AND NOT EXISTS (SELECT 1 FROM walks above
                                             WHERE above.membership_id = pm.membership_id
                                               AND above.depth > w.depth AND above.override_id IS NOT NULL
                                               AND above.locked)), '[]'::json) AS accounts
          FROM (SELECT DISTINCT ON (p.role_id) p.* FROM per_m p WHERE NOT p.granted
                 ORDER BY p.role_id, p.depth) pm
    )
    SELECT json_build_object(
        'permission', p_permission,
        'account_id', acct,
        'user_id', uid,
        'granted', rd_canvas_user_has(uid, acct, p_permission),
        'memberships', coalesce((SELECT json_agg(json_build_object(
                'id', pm.membership_id, 'role_id', pm.role_id, 'role', pm.name,
                'base_role_type', pm.base_role_type, 'account_id', pm.account_id,
                'granted', pm.granted, 'reason', pm.reason, 'decided_at', pm.decided_at,
                'walk', pm.walk) ORDER BY pm.depth DESC, pm.membership_id) FROM per_m pm), '[]'::json),
        'would_grant', json_build_object(
            'roles', coalesce((SELECT json_agg(json_build_object(
                    'id', g.id, 'role', g.name, 'base_role_type', g.base_role_type,
                    'workflow_state', g.workflow_state, 'account_id', g.account_id) ORDER BY g.id)
                FROM granting g), '[]'::json),
            'overrides', coalesce((SELECT json_agg(json_build_object(
                    'role_id', c.role_id, 'role', c.name, 'change_allowed_at', c.accounts) ORDER BY c.role_id)
                FROM changeable c), '[]'::json)))
      INTO result;
    RETURN result::text;
END $$;

