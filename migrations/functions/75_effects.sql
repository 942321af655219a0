-- Preview of a change (dry_run=true, issue 16 item 5): what a write would change in who holds what.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").
--
-- A preview runs the real write (so it answers exactly what the write would, errors included) between a
-- snapshot of the effective permissions it can touch and the same query afterwards; api.*_dry_run then
-- rolls the write back (its audit rows with it) by raising RDDRY inside its exception block. The snapshot
-- and the diff are each one set-based query over the resolution functions (rd_user_permissions for
-- Canvas, the role's set for api2), never a loop over users.
--
-- Bounded: a preview examines at most rd_effects_page() (user, account) pairs (Canvas) or memberships
-- (api2), in id order; effects_next is the cursor (effects_after) of the next preview page, null on the last.

CREATE OR REPLACE FUNCTION rd_effects_page() RETURNS int
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT 50 $$;

-- The cursor of effects_after: "U.A" (Canvas: after user U, account A) or "M" (api2: after membership M).
-- NULL or '' is the first page; anything else unreadable is a 400 naming the parameter.
CREATE OR REPLACE FUNCTION rd_effects_cursor(p_after text, p_parts int) RETURNS bigint[]
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p_after IS NULL OR p_after = '' THEN
        RETURN array_fill(0::bigint, ARRAY[p_parts]);
    END IF;
    IF (p_parts = 2 AND p_after ~ '^[0-9]{1,18}\.[0-9]{1,18}$') OR (p_parts = 1 AND p_after ~ '^[0-9]{1,18}$') THEN
        RETURN string_to_array(p_after, '.')::bigint[];
    END IF;
    RAISE EXCEPTION 'invalid parameter ''effects_after''' USING ERRCODE = 'RD400';
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Canvas
-- ---------------------------------------------------------------------------------------------------------

-- The permissions a PUT role's permissions[...] (normal form of fcgi/handlers/canvas_roles.c) can change:
-- each named permission, and every member of a named group. '{}' when none (a rename changes nothing).
CREATE OR REPLACE FUNCTION rd_canvas_effect_names(p_permissions json) RETURNS text[]
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(array_agg(DISTINCT p.name ORDER BY p.name), '{}')
      FROM json_array_elements(CASE WHEN json_typeof(p_permissions) = 'array' THEN p_permissions END) e
      JOIN canvas_permissions p ON p.name = e->>0 OR p.grp = e->>0
    $$;

-- The (user, account) pairs a change can touch, in (user_id, account_id) order after the cursor, one more
-- than a page (the extra row says there is a next page), each with the permissions of p_perms (all
-- manageable ones when NULL) the user holds there. The pairs: p_user on every active account of p_account's
-- subtree (an admin membership added or removed at p_account), or, for p_role, every user with an active
-- membership of that role on the chain of an account of the subtree (an override stored at p_account).
CREATE OR REPLACE FUNCTION rd_canvas_effect_grants(p_role bigint, p_user bigint, p_account bigint, p_perms text[],
                                                   p_after text)
    RETURNS TABLE (user_id bigint, account_id bigint, granted text[])
    LANGUAGE sql STABLE
    AS $$
    WITH cur AS (
        SELECT rd_effects_cursor(p_after, 2) AS c
    ), pairs AS (
        SELECT p_user AS user_id, x.id AS account_id
          FROM accounts x, cur
         WHERE p_user IS NOT NULL AND x.tenant_id = rd_tenant() AND p_account = ANY (x.chain)
           AND x.workflow_state = 'active' AND (p_user, x.id) > (cur.c[1], cur.c[2])
        UNION
        SELECT au.user_id, x.id
          FROM accounts x
          JOIN account_users au ON au.tenant_id = x.tenant_id AND au.account_id = ANY (x.chain)
                               AND au.role_id = p_role AND au.workflow_state = 'active', cur
         WHERE p_user IS NULL AND x.tenant_id = rd_tenant() AND p_account = ANY (x.chain)
           AND x.workflow_state = 'active' AND (au.user_id, x.id) > (cur.c[1], cur.c[2])
    ), page AS (
        SELECT * FROM pairs ORDER BY user_id, account_id LIMIT rd_effects_page() + 1
    )
    SELECT pg.user_id, pg.account_id,
           ARRAY(SELECT p.permission FROM rd_user_permissions(pg.user_id, pg.account_id, p_perms) p
                  WHERE p.granted ORDER BY p.permission)
      FROM page pg
     ORDER BY pg.user_id, pg.account_id
    $$;

-- The snapshot taken before the write: rd_canvas_effect_grants as JSON.
CREATE OR REPLACE FUNCTION rd_canvas_effect_snapshot(p_role bigint, p_user bigint, p_account bigint, p_perms text[],
                                                     p_after text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('user_id', g.user_id, 'account_id', g.account_id,
                                                 'granted', g.granted)), '[]')
      FROM rd_canvas_effect_grants(p_role, p_user, p_account, p_perms, p_after) g
    $$;

-- After the write: the members '"effects":[...],"effects_next":...' to add to the answer. An entry per pair
-- of the page whose permissions changed: {"user_id","account_id","gained":[...],"lost":[...]}.
CREATE OR REPLACE FUNCTION rd_canvas_effects(p_before jsonb, p_role bigint, p_user bigint, p_account bigint,
                                             p_perms text[], p_after text) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    WITH aft AS (
        SELECT g.*, row_number() OVER (ORDER BY g.user_id, g.account_id) AS n
          FROM rd_canvas_effect_grants(p_role, p_user, p_account, p_perms, p_after) g
    ), bef AS (
        SELECT b.* FROM jsonb_to_recordset(p_before) b(user_id bigint, account_id bigint, granted text[])
    ), d AS (
        SELECT a.user_id, a.account_id,
               ARRAY(SELECT unnest(a.granted) EXCEPT SELECT unnest(b.granted) ORDER BY 1) AS gained,
               ARRAY(SELECT unnest(b.granted) EXCEPT SELECT unnest(a.granted) ORDER BY 1) AS lost
          FROM aft a LEFT JOIN bef b ON b.user_id = a.user_id AND b.account_id = a.account_id
         WHERE a.n <= rd_effects_page()
    )
    SELECT '"effects":'
        || coalesce((SELECT json_agg(json_build_object('user_id', d.user_id, 'account_id', d.account_id,
                                                       'gained', d.gained, 'lost', d.lost)
                                     ORDER BY d.user_id, d.account_id)
                       FROM d WHERE cardinality(d.gained) + cardinality(d.lost) > 0)::text, '[]')
        || ',"effects_next":'
        || coalesce((SELECT to_json(a.user_id || '.' || a.account_id)::text FROM aft a
                      WHERE a.n = rd_effects_page()
                        AND EXISTS (SELECT 1 FROM aft z WHERE z.n > rd_effects_page())), 'null')
    $$;

-- PUT /api/v1/accounts/:account_id/roles/:id?dry_run=true: rd_canvas_roles_update's answer plus its effects
-- on the users holding that role at or below the account. The caller must pass the endpoint's check before
-- anything is read; the write itself then repeats every check in its own order.
CREATE OR REPLACE FUNCTION rd_canvas_roles_update_dry_run(p_ref text, p_role text, p_perm text, p_bad text,
                                                          p_label text, p_permissions json, p_after text)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
    names text[];
    before jsonb;
    body text;
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    PERFORM rd_effects_cursor(p_after, 2);  -- a bad cursor is a 400 even when nothing could change
    names := rd_canvas_effect_names(p_permissions);
    before := rd_canvas_effect_snapshot(r.id, NULL, chain[1], names, p_after);
    body := rd_canvas_roles_update(p_ref, p_role, p_perm, p_bad, p_label, p_permissions);
    RETURN rd_canvas_json_extend(body, rd_canvas_effects(before, r.id, NULL, chain[1], names, p_after));
END $$;

-- POST / DELETE .../admins with dry_run=true: the membership's answer plus the user's changes on the
-- account and its sub-accounts (every manageable permission).
CREATE OR REPLACE FUNCTION rd_admins_dry_run(p_create boolean, p_ref text, p_perm text, p_user_ref text,
                                             p_role_id text, p_role_name text, p_after text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uid bigint;
    before jsonb;
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_effects_cursor(p_after, 2);
    IF p_user_ref IS NOT NULL AND btrim(p_user_ref) <> '' THEN
        uid := rd_user_resolve(p_user_ref);
    END IF;
    before := rd_canvas_effect_snapshot(NULL, uid, acct, NULL, p_after);
    body := CASE WHEN p_create THEN rd_admins_create(p_ref, p_perm, p_user_ref, p_role_id, p_role_name)
                 ELSE rd_admins_delete(p_ref, p_perm, p_user_ref, p_role_id, p_role_name) END;
    RETURN rd_canvas_json_extend(body, rd_canvas_effects(before, NULL, uid, acct, NULL, p_after));
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- api2
-- ---------------------------------------------------------------------------------------------------------

-- A role's change reaches whoever holds it through a membership: one entry per membership of the role (a
-- page of them, by id, after the cursor), each with the role's permissions gained and lost — what that
-- membership grants in its collection (and the collections inheriting from it). A principal may hold a
-- permission through another membership as well; explain answers that per user. No entries when the set
-- does not change. The members '"effects":[...],"effects_next":...'.
CREATE OR REPLACE FUNCTION rd_api2_role_effects(p_role bigint, p_before text[], p_after_perms text[], p_after text)
    RETURNS text
    LANGUAGE sql STABLE
    AS $$
    WITH cur AS (
        SELECT rd_effects_cursor(p_after, 1) AS c
    ), diff AS (
        SELECT ARRAY(SELECT unnest(p_after_perms) EXCEPT SELECT unnest(p_before) ORDER BY 1) AS gained,
               ARRAY(SELECT unnest(p_before) EXCEPT SELECT unnest(p_after_perms) ORDER BY 1) AS lost
    ), page AS (
        SELECT m.id, m.collection_id, m.user_id, m.group_id,
               row_number() OVER (ORDER BY m.id) AS n
          FROM api2_memberships m, cur, diff
         WHERE m.tenant_id = rd_tenant() AND m.role_id = p_role AND m.id > cur.c[1]
           AND cardinality(diff.gained) + cardinality(diff.lost) > 0
         ORDER BY m.id
         LIMIT rd_effects_page() + 1
    )
    SELECT '"effects":'
        || coalesce((SELECT json_agg(json_build_object('membership_id', p.id::text,
                                                       'collection_id', p.collection_id::text,
                                                       'user_id', p.user_id::text, 'group_id', p.group_id::text,
                                                       'gained', diff.gained, 'lost', diff.lost) ORDER BY p.id)
                       FROM page p, diff WHERE p.n <= rd_effects_page())::text, '[]')
        || ',"effects_next":'
        || coalesce((SELECT to_json(p.id::text)::text FROM page p
                      WHERE p.n = rd_effects_page()
                        AND EXISTS (SELECT 1 FROM page z WHERE z.n > rd_effects_page())), 'null')
    $$;

-- The api2 role writes with dry_run: p_op is 'create', 'update', 'add', 'remove' or 'delete'. The answer
-- is the write's (delete: '{}' for the 204's empty body) plus the effects. Administrator users only, as the
-- writes: the check comes first, before the role's set is read.
CREATE OR REPLACE FUNCTION rd_api2_roles_dry_run(p_op text, p_id text, p_display_name jsonb, p_permissions jsonb,
                                                 p_after text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_parse_id(p_id);
    before text[];
    body text;
BEGIN
    PERFORM rd_api2_require_admin();
    PERFORM rd_effects_cursor(p_after, 1);
    before := CASE WHEN v_id IS NULL THEN '{}' ELSE rd_api2_role_perms(v_id) END;
    body := CASE p_op
        WHEN 'create' THEN (SELECT c.body FROM rd_api2_roles_create(p_display_name, p_permissions) c)
        WHEN 'update' THEN rd_api2_roles_update(p_id, p_display_name, p_permissions)
        WHEN 'add' THEN rd_api2_roles_add_permissions(p_id, p_permissions)
        WHEN 'remove' THEN rd_api2_roles_remove_permissions(p_id, p_permissions)
        WHEN 'delete' THEN CASE WHEN rd_api2_roles_delete(p_id) THEN '{"deleted":true}' ELSE '{"deleted":false}' END
        END;
    IF p_op IN ('update', 'add', 'remove') THEN
        RETURN rd_canvas_json_extend(body, rd_api2_role_effects(v_id, before,
            ARRAY(SELECT jsonb_array_elements_text(body::jsonb -> 'permissions')), p_after));
    END IF;
    -- a new role has no memberships yet, and a role still used by memberships cannot be deleted
    RETURN rd_canvas_json_extend(body, rd_api2_role_effects(NULL, '{}', '{}', p_after));
END $$;
