-- Admin memberships (who holds which role where), what they grant, and the rules for handing them out.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- Admin {id, role, role_id, user, workflow_state} (canvas-conventions.md).
CREATE OR REPLACE FUNCTION rd_admin_json(au account_users, r roles, u users) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', au.id, 'role', r.name, 'role_id', r.id, 'user', rd_user_json(u),
                             'workflow_state', au.workflow_state)
    $$;

-- What a membership's authorization reads of its role and account, kept on the membership (role_type, live,
-- at_root: 0027): computed whenever a membership is written (the writer's values do not count), and written
-- again for every membership of a role or an account whose state, base type or parent changes.
CREATE OR REPLACE FUNCTION rd_membership_facts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    r_type text;
    r_state text;
    a_state text;
    a_parent bigint;
BEGIN
    SELECT r.base_role_type, r.workflow_state INTO r_type, r_state
      FROM roles r WHERE r.tenant_id = NEW.tenant_id AND r.id = NEW.role_id;
    SELECT a.workflow_state, a.parent_account_id INTO a_state, a_parent
      FROM accounts a WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.account_id;
    NEW.role_type := r_type;
    -- a deactivated role keeps working for those who hold it (Canvas' Deactivate a role: "Existing users
    -- assigned to the role will continue to function with the same permissions"); a deleted one does not
    -- (this list is also in the WHEN of the trigger roles_membership_facts below)
    NEW.live := coalesce(NEW.workflow_state = 'active' AND a_state = 'active'
                         AND r_state IN ('active', 'inactive', 'built_in'), false);
    NEW.at_root := a_state IS NOT NULL AND a_parent IS NULL;
    RETURN NEW;
END $$;

-- (Writing live, any value, makes rd_membership_facts compute the row again.)
CREATE OR REPLACE FUNCTION rd_membership_facts_changed() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_TABLE_NAME = 'roles' THEN
        UPDATE account_users au SET live = NOT au.live WHERE au.tenant_id = NEW.tenant_id AND au.role_id = NEW.id;
    ELSE
        UPDATE account_users au SET live = NOT au.live WHERE au.tenant_id = NEW.tenant_id AND au.account_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER account_users_facts
    BEFORE INSERT OR UPDATE OF account_id, role_id, workflow_state, role_type, live, at_root ON account_users
    FOR EACH ROW EXECUTE PROCEDURE rd_membership_facts();
-- Only a change that can change a fact: the base type, or a state entering or leaving the ones whose
-- memberships are live (rd_membership_facts' list). Deactivating and activating a role change neither, and
-- recomputing anyway locked every membership of the role: a deactivate and a sub-account delete (which ends
-- the account's memberships, then recomputes them) locked the ones of the role on that account in different
-- orders, and one of them failed with PostgreSQL's "deadlock detected" (409; test_role_state_membership_locks.py).
CREATE OR REPLACE TRIGGER roles_membership_facts AFTER UPDATE OF workflow_state, base_role_type ON roles
    FOR EACH ROW WHEN ((OLD.workflow_state IN ('active', 'inactive', 'built_in'))
                           IS DISTINCT FROM (NEW.workflow_state IN ('active', 'inactive', 'built_in'))
                       OR OLD.base_role_type IS DISTINCT FROM NEW.base_role_type)
    EXECUTE PROCEDURE rd_membership_facts_changed();
CREATE OR REPLACE TRIGGER accounts_membership_facts AFTER UPDATE OF workflow_state, parent_account_id ON accounts
    FOR EACH ROW WHEN (OLD.workflow_state IS DISTINCT FROM NEW.workflow_state
                       OR (OLD.parent_account_id IS NULL) <> (NEW.parent_account_id IS NULL))
    EXECUTE PROCEDURE rd_membership_facts_changed();

-- The roles a new admin membership may be given at p_account (rd_admin_role_resolve's "usable"): the built-in
-- AccountAdmin, and the active account roles defined on p_account or an ancestor. explain's proposals offer them.
CREATE OR REPLACE FUNCTION rd_admin_roles_usable(p_account bigint) RETURNS SETOF roles
    LANGUAGE sql STABLE
    AS $$
    SELECT r.* FROM roles r
     WHERE r.tenant_id = rd_tenant() AND r.base_role_type IN ('AccountAdmin', 'AccountMembership')
       AND ((r.workflow_state = 'built_in' AND r.name = 'AccountAdmin')
            OR (r.workflow_state = 'active' AND rd_account_in_chain(r.account_id, p_account)))
    $$;

-- The account role an admin membership may be given at p_account: role_id (numeric) or, when absent, the
-- deprecated `role` name, else the built-in AccountAdmin. Usable = an account role (AccountAdmin or
-- AccountMembership base) that is either the built-in AccountAdmin of this tenant or active and defined on
-- p_account or an ancestor. With p_any_state (removal) an existing membership's role may also be inactive or
-- a hidden built-in. Not found / not usable: RD404.
CREATE OR REPLACE FUNCTION rd_admin_role_resolve(p_account bigint, p_role_id text, p_role_name text, p_any_state boolean)
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

CREATE OR REPLACE FUNCTION rd_permission_exists(p_permission text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM canvas_permissions p WHERE p.name = p_permission);
END $$;

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
CREATE OR REPLACE FUNCTION rd_membership_walk(p_role bigint, p_rc bigint, p_account bigint, p_permissions text[])
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
CREATE OR REPLACE FUNCTION rd_membership_grants(p_role bigint, p_rc bigint, p_account bigint, p_permissions text[])
    RETURNS TABLE (permission text, granted boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT w.permission, bool_or(w.granted)
      FROM rd_membership_walk(p_role, p_rc, p_account, p_permissions) w
     GROUP BY w.permission
    $$;

-- The check every endpoint makes: anonymous -> RDU01; p_permission NULL -> any signed-in user; 'read' ->
-- Canvas' :read right on an account, held by anyone with an active admin membership on its chain; any other
-- name -> that permission through §3.3. A failure is RD403 whose DETAIL names the permission and account.
CREATE OR REPLACE FUNCTION rd_require_permission(p_account bigint, p_permission text) RETURNS void
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

CREATE OR REPLACE FUNCTION rd_forbidden(p_permission text, p_account bigint) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'user not authorized to perform that action' USING ERRCODE = 'RD403',
        DETAIL = json_build_object('permission', p_permission, 'account_id', p_account)::text;
END $$;

-- The first permission that a membership of p_role held on p_rc would grant somewhere and the caller does
-- not hold there, with that account; NULLs when there is none (the caller may hand that membership out).
-- "Somewhere" is p_rc and every account below it where the answer can differ: those with override rows for
-- p_role (the membership may grant more there) or for a role the caller holds (the caller may hold less
-- there), and, where such an override applies to the account and its descendants differently
-- (applies_to_self <> applies_to_descendants, on p_rc itself too), one child of that account without
-- override rows of its own (a child with some is in the set already). Below those nothing changes again
-- until the next one. Canvas checks p_rc only, so a role whose overrides grant more on a sub-account could
-- be handed out by someone who lacks it there; we close that gap (README, Deliberate differences).
CREATE OR REPLACE FUNCTION rd_caller_lacks(p_role bigint, p_rc bigint, OUT permission text, OUT account_id bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    x bigint;
BEGIN
    FOR x IN
        WITH ov AS (
            SELECT a.id, bool_or(ro.applies_to_self IS DISTINCT FROM ro.applies_to_descendants) AS split
              FROM role_overrides ro
              JOIN accounts a ON a.tenant_id = ro.tenant_id AND a.id = ro.account_id
             WHERE ro.tenant_id = rd_tenant() AND a.workflow_state = 'active' AND p_rc = ANY (a.chain)
               AND (ro.role_id = p_role
                    OR ro.role_id IN (SELECT au.role_id FROM account_users au
                                       WHERE au.tenant_id = rd_tenant() AND au.user_id = rd_user()
                                         AND au.workflow_state = 'active'))
             GROUP BY a.id)
        SELECT p_rc
        UNION
        SELECT ov.id FROM ov
        UNION
        SELECT c.id
          FROM ov
          CROSS JOIN LATERAL (SELECT ch.id FROM accounts ch
                               WHERE ch.tenant_id = rd_tenant() AND ch.parent_account_id = ov.id
                                 AND ch.workflow_state = 'active'
                                 AND NOT EXISTS (SELECT 1 FROM ov o2 WHERE o2.id = ch.id)
                               ORDER BY ch.id LIMIT 1) c
         WHERE ov.split
    LOOP
        permission := (
            WITH names AS (SELECT array_agg(m.permission) AS arr FROM rd_manageable_permissions(x) m),
            mine AS (SELECT p.permission, p.granted FROM names, rd_user_permissions(rd_user(), x, names.arr) p)
            SELECT g.permission
              FROM names, rd_membership_grants(p_role, p_rc, x, names.arr) g
              JOIN mine ON mine.permission = g.permission
             WHERE g.granted AND NOT mine.granted
             ORDER BY g.permission
             LIMIT 1);
        IF permission IS NOT NULL THEN
            account_id := x;
            RETURN;
        END IF;
    END LOOP;
END $$;

-- The superset rule for a move of p_account under p_new_parent (PUT account[parent_account_id]): moving a
-- subtree hands it to the memberships of the new parent's chain and puts it under that chain's overrides and
-- out from under the old one's (its locks too), so it is a grant like an admin membership. Nobody, the caller
-- included, may come out of it holding on an account of the subtree a permission that the caller did not
-- hold there before (Canvas asks manage_account_settings on both accounts only; README, Security).
--
-- Where to look: p_account, every active account of its subtree holding live memberships or override rows
-- of a role held by the caller or on the new chain or in the subtree, and one child without either of each
-- of those (below them nothing changes until the next one, as in rd_caller_lacks). Who: the caller and every user with a live membership on the new parent's chain or in
-- the subtree (a membership only on the old chain can only lose). What: at each point, the manageable
-- permissions the caller lacks there now. Taken before the move; NULL when the caller lacks nothing at any
-- point (an AccountAdmin of the root: one check per point, no snapshot).
CREATE OR REPLACE FUNCTION rd_move_snapshot(p_account bigint, p_new_parent bigint) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    pts bigint[];
    lacks jsonb;
    uids bigint[];
BEGIN
    WITH sub AS (
        SELECT a.id FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.workflow_state = 'active' AND p_account = ANY (a.chain)
    ), held AS (
        -- the roles whose rows can change an answer of someone who matters: the caller's, and those of the
        -- memberships on the new chain or in the subtree
        SELECT DISTINCT au.role_id FROM account_users au
         WHERE au.tenant_id = rd_tenant() AND au.live
           AND (au.user_id = rd_user() OR au.account_id = ANY (rd_canvas_chain(p_new_parent))
                OR au.account_id IN (SELECT sub.id FROM sub))
    ), marked AS (
        SELECT p_account AS id
        UNION
        SELECT s.id FROM sub s
         WHERE EXISTS (SELECT 1 FROM role_overrides o
                        WHERE o.tenant_id = rd_tenant() AND o.account_id = s.id
                          AND o.role_id IN (SELECT held.role_id FROM held))
            OR EXISTS (SELECT 1 FROM account_users au
                        WHERE au.tenant_id = rd_tenant() AND au.account_id = s.id AND au.live)
    )
    SELECT array_agg(DISTINCT x.id ORDER BY x.id) INTO pts
      FROM (SELECT m.id FROM marked m
            UNION
            SELECT c.id FROM marked m
             CROSS JOIN LATERAL (SELECT ch.id FROM accounts ch
                                  WHERE ch.tenant_id = rd_tenant() AND ch.parent_account_id = m.id
                                    AND ch.workflow_state = 'active'
                                    AND NOT EXISTS (SELECT 1 FROM marked m2 WHERE m2.id = ch.id)
                                  ORDER BY ch.id LIMIT 1) c) x;
    SELECT jsonb_object_agg(l.x, l.names) INTO lacks
      FROM (SELECT x, array_agg(p.permission ORDER BY p.permission) AS names
              FROM unnest(pts) x, LATERAL rd_user_permissions(rd_user(), x, NULL) p
             WHERE NOT p.granted
             GROUP BY x) l;
    IF lacks IS NULL THEN
        RETURN NULL;
    END IF;
    uids := ARRAY(SELECT DISTINCT au.user_id FROM account_users au
                   WHERE au.tenant_id = rd_tenant() AND au.live AND au.user_id <> rd_user()
                     AND (au.account_id = ANY (rd_canvas_chain(p_new_parent))
                          OR au.account_id IN (SELECT a.id FROM accounts a
                                                WHERE a.tenant_id = rd_tenant() AND p_account = ANY (a.chain))));
    RETURN jsonb_build_object('lacks', lacks, 'users', to_jsonb(uids || rd_user()),
        'before', coalesce((SELECT jsonb_agg(jsonb_build_array(u, l.key::bigint, p.permission))
                              FROM unnest(uids) u, jsonb_each(lacks) l,
                                   LATERAL rd_user_permissions(u, l.key::bigint,
                                       ARRAY(SELECT jsonb_array_elements_text(l.value))) p
                             WHERE p.granted), '[]'));
END $$;

-- After the move: the first permission someone of the snapshot holds now on a point where the caller lacked it
-- and they did not hold it before, with that account; NULLs when there is none.
CREATE OR REPLACE FUNCTION rd_move_gain(p_before jsonb, OUT permission text, OUT account_id bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT p.permission, l.key::bigint
      FROM jsonb_array_elements_text(p_before -> 'users') u, jsonb_each(p_before -> 'lacks') l,
           LATERAL rd_user_permissions(u::bigint, l.key::bigint, ARRAY(SELECT jsonb_array_elements_text(l.value))) p
     WHERE p.granted
       AND NOT p_before -> 'before' @> jsonb_build_array(jsonb_build_array(u::bigint, l.key::bigint, p.permission))
     ORDER BY l.key::bigint, p.permission
     LIMIT 1
    $$;

-- Raises RD403 unless the caller holds every permission that each admin membership of p_user confers where
-- it is held (the caller may then manage p_user's tokens without gaining anything).
CREATE OR REPLACE FUNCTION rd_require_superset_of_user(p_user bigint) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    m record;
    lack record;
BEGIN
    FOR m IN SELECT au.role_id, au.account_id FROM account_users au
               JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
               JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
              WHERE au.tenant_id = rd_tenant() AND au.user_id = p_user AND au.workflow_state = 'active'
                AND a.workflow_state = 'active' AND r.workflow_state IN ('active', 'inactive', 'built_in')
              ORDER BY au.id
    LOOP
        lack := rd_caller_lacks(m.role_id, m.account_id);
        IF lack.permission IS NOT NULL THEN
            PERFORM rd_forbidden(lack.permission, lack.account_id);
        END IF;
    END LOOP;
END $$;

-- A token of p_user acts on the api2 surface too, so handing one out needs p_user's api2 rights as well:
-- an Administrator user's only to an Administrator user (403 naming the pseudo-permission
-- api2_administrator), and otherwise p_user's permissions on every collection where a membership of p_user or
-- of one of its explicit groups is stored, held by the caller there (Public and Registered Users apply to
-- the caller as well). Below those collections both inherit alike, so nothing else can differ. The 403 names
-- the first permission missing, with p_user's home account (where the token permission was checked).
CREATE OR REPLACE FUNCTION rd_require_api2_superset_of_user(p_user bigint) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ids bigint[];
    lack text;
BEGIN
    IF rd_api2_is_admin(rd_user()) THEN
        RETURN;
    END IF;
    IF rd_api2_is_admin(p_user) THEN
        PERFORM rd_forbidden('api2_administrator', rd_user_home_account(p_user));
    END IF;
    ids := ARRAY(SELECT DISTINCT m.collection_id FROM api2_memberships m
                  WHERE m.tenant_id = rd_tenant()
                    AND (m.user_id = p_user
                         OR m.group_id IN (SELECT gu.group_id FROM api2_group_users gu
                                            WHERE gu.tenant_id = rd_tenant() AND gu.user_id = p_user)));
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    SELECT min(x.permission) INTO lack
      FROM (SELECT t.collection_id, unnest(t.permissions) AS permission FROM rd_api2_perms(p_user, ids) t
            EXCEPT
            SELECT c.collection_id, unnest(c.permissions) FROM rd_api2_perms(rd_user(), ids) c) x;
    IF lack IS NOT NULL THEN
        PERFORM rd_forbidden(lack, rd_user_home_account(p_user));
    END IF;
END $$;

-- The caller may act on p_user's behalf (tokens): themselves, or p_permission on p_user's home account and
-- a superset of p_user's admin permissions and api2 rights.
CREATE OR REPLACE FUNCTION rd_require_manage_user(p_user bigint, p_permission text) RETURNS void
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
    PERFORM rd_require_api2_superset_of_user(p_user);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Admins (account memberships)
-- ---------------------------------------------------------------------------------------------------------

-- One page of the admin memberships held on p_account (only there, not inherited), by id; p_user limits it
-- to one user, p_users to a list.
CREATE OR REPLACE FUNCTION rd_admins_page(p_account bigint, p_users bigint[], p_page text, p_limit int)
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
             ORDER BY au.id LIMIT n + 1 OFFSET coalesce(rd_page_offset(p_page, n), 0)) x;
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
CREATE OR REPLACE FUNCTION rd_admins_list(p_ref text, p_perm text, p_user_ids text[], p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uids bigint[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF p_user_ids IS NOT NULL THEN
        -- Canvas' api_find_all: numeric ids, self and sis_user_id:<v>; ids that match no user match nothing
        IF EXISTS (SELECT 1 FROM unnest(p_user_ids) v
                    WHERE v IS NULL OR NOT (btrim(v) ~ '^[0-9]{1,19}$' OR btrim(v) = 'self'
                                            OR btrim(v) LIKE 'sis\_user\_id:_%')) THEN
            RAISE EXCEPTION 'user_id must be a list of user ids' USING ERRCODE = 'RD400';
        END IF;
        uids := ARRAY(SELECT CASE WHEN btrim(v) = 'self' THEN rd_user()
                                  WHEN btrim(v) ~ '^[0-9]+$' THEN
                                      CASE WHEN btrim(v)::numeric <= 9223372036854775807 THEN btrim(v)::bigint END
                                  ELSE (SELECT u.id FROM users u
                                         WHERE u.tenant_id = rd_tenant() AND u.sis_user_id = substr(btrim(v), 13)) END
                        FROM unnest(p_user_ids) v);
    END IF;
    RETURN QUERY SELECT * FROM rd_admins_page(acct, uids, p_page, p_limit);
END $$;

-- GET /api/v1/accounts/:account_id/admins/self: the caller's own memberships on that account.
CREATE OR REPLACE FUNCTION rd_admins_self(p_ref text, p_perm text, p_page text, p_limit int)
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
CREATE OR REPLACE FUNCTION rd_admins_create(p_ref text, p_perm text, p_user_ref text, p_role_id text, p_role_name text)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uid bigint;
    rid bigint;
    lack record;
    mid bigint;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    IF p_user_ref IS NULL OR btrim(p_user_ref) = '' THEN
        RAISE EXCEPTION 'missing required parameter ''user_id''' USING ERRCODE = 'RD400';
    END IF;
    uid := rd_user_resolve(p_user_ref);
    rid := rd_admin_role_resolve(acct, p_role_id, p_role_name, false);
    lack := rd_caller_lacks(rid, acct);
    IF lack.permission IS NOT NULL THEN
        PERFORM rd_forbidden(lack.permission, lack.account_id);
    END IF;
    PERFORM rd_canvas_writable();
    -- FOR SHARE: a sub-account delete (rd_accounts_sub_delete) locks the row FOR NO KEY UPDATE before it ends
    -- the account's memberships, so a membership added here either commits before the delete ends it, or is
    -- added after the delete has committed and finds the account gone (404). The insert's own foreign-key
    -- lock (key share) does not conflict with the delete's, which then missed a membership committed while it
    -- ran: an active membership on a deleted account (test_admin_delete_race.py).
    PERFORM 1 FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = acct AND a.workflow_state = 'active'
        FOR SHARE;
    IF NOT FOUND THEN
        PERFORM rd_not_found();
    END IF;
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
CREATE OR REPLACE FUNCTION rd_admins_delete(p_ref text, p_perm text, p_user_ref text, p_role_id text, p_role_name text)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    uid bigint;
    rid bigint;
    lack record;
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
    lack := rd_caller_lacks(rid, acct);
    IF lack.permission IS NOT NULL THEN
        PERFORM rd_forbidden(lack.permission, lack.account_id);
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
