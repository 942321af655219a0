-- The Canvas Roles API: list, show, create, update, deactivate, activate.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- ---------------------------------------------------------------------------------------------------------
-- Role lookup and validation
-- ---------------------------------------------------------------------------------------------------------

-- §2.1 step 3, on account p_chain[1]: :id as a numeric id (accepted when built-in or defined on the chain),
-- else as a name: a built-in role of the account's root, else the first non-deleted role of that name on the
-- nearest account of the chain (lowest id on that account). Missing or deleted: RDR04 ("role not found").
CREATE OR REPLACE FUNCTION rd_canvas_role_find(p_chain bigint[], p_ref text) RETURNS roles
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    r roles;
BEGIN
    IF p_ref ~ '^[0-9]{1,19}$' AND p_ref::numeric <= 9223372036854775807 THEN
        SELECT x.* INTO r FROM roles x
         WHERE x.tenant_id = rd_tenant() AND x.id = p_ref::bigint
           AND (x.workflow_state = 'built_in' OR x.account_id = ANY (p_chain));
        IF FOUND THEN
            IF r.workflow_state = 'deleted' THEN
                RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
            END IF;
            RETURN r;
        END IF;
    END IF;
    SELECT x.* INTO r FROM roles x
     WHERE x.tenant_id = rd_tenant() AND x.workflow_state = 'built_in' AND x.name = p_ref
       AND x.root_account_id = rd_canvas_root_of(p_chain[1]);
    IF FOUND THEN
        RETURN r;
    END IF;
    -- Canvas' get_role_by_name: the not-deleted roles of that name on the chain, the first by id
    -- (role_scope.first), wherever on the chain it is.
    SELECT x.* INTO r
      FROM roles x
     WHERE x.tenant_id = rd_tenant() AND x.account_id = ANY (p_chain) AND x.name = p_ref
       AND x.workflow_state IN ('active', 'inactive')
     ORDER BY x.id
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
    END IF;
    RETURN r;
END $$;

-- Role model validations (§1.2, §2.10) for a custom role named p_name with base p_base on p_account (p_self:
-- the role being renamed, NULL on create; p_active: whether the uniqueness rule applies). Raises RD422 with
-- every failing attribute in Canvas' model-error body; nothing is written. The body is written in Canvas'
-- order: attributes in the order Role's validations add them (ensure_unique_name_for_account, then
-- base_role_type's inclusion, name's exclusion, ensure_non_built_in_name), each error's keys as
-- InstructureHashReporter writes them (attribute, type, message). (jsonb would sort both by key length.)
CREATE OR REPLACE FUNCTION rd_canvas_role_validate(p_account bigint, p_self bigint, p_name text, p_base text,
                                        p_active boolean) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    dup text := 'A role with this name already exists';
    errs text[] := '{}'; -- [attribute, type, message] triples, in the order Canvas adds them
    body text;
BEGIN
    IF p_active AND EXISTS (SELECT 1 FROM roles x
                             WHERE x.tenant_id = rd_tenant() AND x.account_id = p_account
                               AND x.name = p_name AND x.workflow_state = 'active'
                               AND x.id IS DISTINCT FROM p_self) THEN
        errs := errs || ARRAY['label', dup, dup];
    END IF;
    IF p_base IS NULL OR p_base NOT IN ('AccountAdmin', 'AccountMembership', 'StudentEnrollment',
            'TeacherEnrollment', 'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions') THEN
        errs := errs || ARRAY['base_role_type', 'inclusion', 'is invalid'];
    END IF;
    IF length(p_name) > 255 THEN
        errs := errs || ARRAY['name', 'too_long', 'is too long (maximum is 255 characters)'];
    ELSIF p_name IN ('AccountAdmin', 'AccountMembership', 'StudentEnrollment', 'TeacherEnrollment',
                     'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions',
                     'StudentViewEnrollment', 'NilEnrollment', 'teacher', 'ta', 'designer', 'student', 'observer') THEN
        errs := errs || ARRAY['name', 'exclusion', 'is reserved'];
    END IF;
    IF p_name IN ('Student', 'Teacher', 'TA', 'Designer', 'Observer', 'Account Admin', 'AccountMembership',
                  'NoPermissions') THEN
        errs := errs || ARRAY['label', dup, dup];
    END IF;
    IF cardinality(errs) = 0 THEN
        RETURN;
    END IF;
    SELECT '{"errors":{' || string_agg(to_json(g.attr)::text || ':[' || g.items || ']', ',' ORDER BY g.first) || '}}'
      INTO body
      FROM (SELECT e.attr, min(e.n) AS first,
                   string_agg('{"attribute":' || to_json(e.attr)::text || ',"type":' || to_json(e.typ)::text
                              || ',"message":' || to_json(e.msg)::text || '}', ',' ORDER BY e.n) AS items
              FROM (SELECT i AS n, errs[3 * i - 2] AS attr, errs[3 * i - 1] AS typ, errs[3 * i] AS msg
                      FROM generate_series(1, cardinality(errs) / 3) i) e
             GROUP BY e.attr) g;
    RAISE EXCEPTION 'Invalid role' USING ERRCODE = 'RD422', DETAIL = body;
END $$;

-- The duplicate-name error as a model error (a concurrent insert lost the race on roles_active_name).
CREATE OR REPLACE FUNCTION rd_canvas_role_dup() RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'Invalid role' USING ERRCODE = 'RD422',
        DETAIL = '{"errors":{"label":[{"attribute":"label","type":"A role with this name already exists","message":"A role with this name already exists"}]}}';
END $$;

-- rd_canvas_apply_permissions (0002) with the same contract, errors and effects, cheaper per request:
--   * the manageable set M of §2.8 is looked up for each entry's key (one index probe) instead of built for
--     all 135 permissions up front (0.34 ms of a 2.6 ms PUT under auto_explain);
--   * the "Must apply to something" check is made on the values about to be written (the current row is
--     read first) instead of catching the CHECK violation, so no subtransaction is opened on every call.
-- Writers of one role are serialised by the role row lock their callers take, so the row read is current.
CREATE OR REPLACE FUNCTION rd_canvas_apply_permissions(p_chain bigint[], p_role roles, p_entries json) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    p_account bigint := p_chain[1];
    course boolean := p_role.base_role_type IN ('StudentEnrollment', 'TeacherEnrollment', 'TaEnrollment',
                                                'DesignerEnrollment', 'ObserverEnrollment');
    e json;
    k text;
    ex int; en int; lk int; ats int; atd int; ro int;
    ov boolean;
    v_locked boolean;
    v_self boolean;
    v_desc boolean;
    granular boolean;
    is_root boolean := cardinality(p_chain) = 1; -- an account is never its own parent (0001 CHECK)
    hidden int[]; -- the ords hidden for the tenant, computed only when a key needs them (below)
    targets text[];
    group_targets text[];
    cur_locked boolean;
    cur_self boolean;
    cur_desc boolean;
    is_group boolean;
    t text;
    cur boolean;
    val boolean;
    touched boolean := false;
    -- each target's enabled value before this request wrote it (§2.8: a group key's `currently` is read when
    -- the target table is built, before the first entry), kept only when a later entry can need it
    several boolean;
    before jsonb := '{}';
    stored text[] := '{}';
    ignored text[] := '{}';
    warnings text;
BEGIN
    IF p_entries IS NULL OR json_typeof(p_entries) <> 'array' OR json_array_length(p_entries) = 0 THEN
        RETURN NULL;
    END IF;
    several := json_array_length(p_entries) > 1;
    FOR e IN SELECT x.value FROM json_array_elements(p_entries) WITH ORDINALITY x(value, n) ORDER BY x.n LOOP
        k := e ->> 0;
        ex := (e ->> 1)::int; en := (e ->> 2)::int; lk := (e ->> 3)::int;
        ats := (e ->> 4)::int; atd := (e ->> 5)::int; ro := (e ->> 6)::int;
        -- what Canvas ignores without a word is still a 200 here, but named in "warnings"
        ignored := ignored || ARRAY(SELECT rd_canvas_ignored_json(k, 'unknown_setting', u.key,
                                       format('The setting %s is not one of explicit, enabled, locked, applies_to_self, applies_to_descendants, readonly; it was ignored', u.key))
                                      FROM json_array_elements_text(coalesce(e -> 7, '[]')) u(key));
        IF ro = 1 THEN
            ignored := ignored || rd_canvas_ignored_json(k, 'readonly', 'readonly',
                'readonly is set: the whole entry was skipped, as Canvas does');
            CONTINUE;
        END IF;
        IF en >= 0 AND ex = -1 THEN
            ignored := ignored || rd_canvas_ignored_json(k, 'enabled_without_explicit', 'enabled',
                'enabled takes effect only with explicit=1; without it the override is removed (unless locked is given)');
        END IF;
        -- M of §2.8 (manageable at C, conditions on; for course roles only those available to the base
        -- type), looked up for this key only: the permission named k, else the members of group k. Two
        -- probes by key (one OR over both columns was a hash join over the whole catalogue: 0.1 ms)
        SELECT ARRAY[p.name], p.grp IS NOT NULL INTO targets, granular
          FROM canvas_permissions p
          JOIN canvas_permission_bases b ON b.base_role_type = p_role.base_role_type AND b.ord = p.ord
         WHERE p.name = k AND rd_canvas_manageable_on(p, is_root)
           AND (p.conditions = '{}' OR NOT (p.ord = ANY (rd_canvas_hidden_ords())))
           AND (NOT course OR b.available);
        is_group := targets IS NULL;
        IF is_group THEN
            SELECT array_agg(p.name ORDER BY p.ord) INTO group_targets
              FROM canvas_permissions p
              JOIN canvas_permission_bases b ON b.base_role_type = p_role.base_role_type AND b.ord = p.ord
             WHERE p.grp = k AND rd_canvas_manageable_on(p, is_root)
               AND (p.conditions = '{}' OR NOT (p.ord = ANY (rd_canvas_hidden_ords())))
               AND (NOT course OR b.available);
            targets := group_targets;
            IF targets IS NULL THEN
                -- unknown, or not manageable here: Canvas ignores it; say why
                hidden := coalesce(hidden, rd_canvas_hidden_ords());
                ignored := ignored || rd_canvas_unmanageable_json(k, p_role.base_role_type, is_root, hidden);
                CONTINUE;
            END IF;
            granular := false;
        END IF;
        IF lk >= 0 AND granular THEN
            PERFORM rd_canvas_bad('Cannot change locked status on granular permission');
        END IF;
        v_locked := CASE lk WHEN -1 THEN NULL ELSE lk = 1 END;
        ov := CASE WHEN en >= 0 AND ex = 1 THEN en = 1 END;
        v_self := CASE ats WHEN -1 THEN NULL ELSE ats = 1 END;
        v_desc := CASE atd WHEN -1 THEN NULL ELSE atd = 1 END;
        IF v_self IS FALSE AND v_desc IS FALSE THEN
            PERFORM rd_canvas_bad('Permission must be enabled for someone');
        END IF;
        FOREACH t IN ARRAY targets LOOP
            SELECT o.enabled, o.locked, o.applies_to_self, o.applies_to_descendants
              INTO cur, cur_locked, cur_self, cur_desc
              FROM role_overrides o
             WHERE o.tenant_id = rd_tenant() AND o.account_id = p_account AND o.role_id = p_role.id
               AND o.permission = t; -- all NULL when there is no row
            IF several THEN
                IF NOT before ? t THEN
                    before := before || jsonb_build_object(t, cur);
                END IF;
            END IF;
            IF ex = 1 AND ov IS NULL AND is_group THEN
                val := CASE WHEN several THEN (before ->> t)::boolean ELSE cur END;
            ELSE
                val := ov;
            END IF;
            IF val IS NOT NULL OR v_locked IS TRUE THEN
                -- the row must apply to somebody (0001's CHECK), decided before writing
                IF NOT (coalesce(v_self, cur_self, true) OR coalesce(v_desc, cur_desc, true)) THEN
                    RAISE EXCEPTION 'Must apply to something' USING ERRCODE = 'RD422',
                        DETAIL = '{"errors":{"base":[{"attribute":"base","type":"Must apply to something","message":"Must apply to something"}]}}';
                END IF;
                stored := stored || t;
                touched := true;
                -- an override saved with the values it has is not written again (nothing reads its updated_at;
                -- the role is still touched below): the statement alone cost 120 k instructions, and its row
                -- triggers, the stored states' refresh and the audit's comparison, would find nothing to do
                IF (cur, cur_locked, cur_self, cur_desc)
                   IS NOT DISTINCT FROM (coalesce(val, cur), coalesce(v_locked, cur_locked),
                                         coalesce(v_self, cur_self), coalesce(v_desc, cur_desc)) THEN
                    CONTINUE;
                END IF;
                INSERT INTO role_overrides AS o (tenant_id, account_id, role_id, permission, enabled, locked,
                                                 applies_to_self, applies_to_descendants)
                VALUES (rd_tenant(), p_account, p_role.id, t, coalesce(val, true), coalesce(v_locked, false),
                        coalesce(v_self, true), coalesce(v_desc, true))
                ON CONFLICT (tenant_id, account_id, role_id, permission) DO UPDATE
                   SET enabled = coalesce(val, o.enabled),
                       locked = coalesce(v_locked, o.locked),
                       applies_to_self = coalesce(v_self, o.applies_to_self),
                       applies_to_descendants = coalesce(v_desc, o.applies_to_descendants),
                       updated_at = now();
            ELSE
                DELETE FROM role_overrides o
                 WHERE o.tenant_id = rd_tenant() AND o.account_id = p_account AND o.role_id = p_role.id
                   AND o.permission = t;
                IF FOUND THEN
                    touched := true;
                    stored := array_remove(stored, t);
                END IF;
            END IF;
        END LOOP;
    END LOOP;
    IF touched THEN
        UPDATE roles x SET updated_at = now() WHERE x.tenant_id = rd_tenant() AND x.id = p_role.id;
    END IF;
    -- the warnings below need a lock above C on a stored permission: one short index range says whether there
    -- is one (the query that names them cost 200 k instructions a PUT, nearly always to find none)
    IF cardinality(stored) = 0
       OR NOT EXISTS (SELECT 1 FROM role_overrides o
                       WHERE o.tenant_id = rd_tenant() AND o.role_id = p_role.id AND o.account_id = ANY (p_chain[2:])
                         AND o.locked AND o.permission = ANY (stored)) THEN
        RETURN CASE WHEN cardinality(ignored) > 0 THEN '[' || array_to_string(ignored, ',') || ']' END;
    END IF;
    -- an override stored on C under a lock set above C has no effect while that lock exists
    SELECT '[' || string_agg('{"permission":' || rd_canvas_jstr(w.permission)
                             || ',"locked_by_account_id":' || w.account_id
                             || ',"locked_by_account_name":' || rd_canvas_jstr(w.account_name)
                             || ',"message":' || rd_canvas_jstr(format(
                                 'The %s permission is locked by account %s (%s); this override is stored but has no effect until that lock is removed',
                                 w.permission, w.account_id, w.account_name)) || '}', ',' ORDER BY w.ord) || ']'
      INTO warnings
      FROM (SELECT DISTINCT ON (p.ord) p.ord, p.name AS permission, a.id AS account_id, a.name AS account_name
              FROM canvas_permissions p
              JOIN unnest(p_chain) WITH ORDINALITY c(account_id, n) ON c.n > 1
              JOIN role_overrides o ON o.tenant_id = rd_tenant() AND o.account_id = c.account_id
                                   AND o.role_id = p_role.id AND o.permission = p.name AND o.locked
              JOIN accounts a ON a.tenant_id = rd_tenant() AND a.id = c.account_id
             WHERE p.name = ANY (stored)
             ORDER BY p.ord, c.n DESC) w;
    IF cardinality(ignored) > 0 THEN
        warnings := '[' || array_to_string(ignored, ',')
                    || CASE WHEN warnings IS NOT NULL THEN ',' || substr(warnings, 2) ELSE ']' END;
    END IF;
    RETURN warnings;
END $$;

-- One "warnings" entry for a part of permissions[...] that was ignored: {"permission", "ignored": true,
-- "reason", "setting" (the key concerned, or null), "message"} plus the extra members in p_extra (a JSON
-- object's text).
CREATE OR REPLACE FUNCTION rd_canvas_ignored_json(p_permission text, p_reason text, p_setting text, p_message text,
                                                  p_extra jsonb DEFAULT NULL) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT left(json_build_object('permission', p_permission, 'ignored', true, 'reason', p_reason,
                                  'setting', p_setting, 'message', p_message)::text, -1)
           || CASE WHEN p_extra IS NULL OR p_extra = '{}' THEN '}' ELSE ', ' || substr(p_extra::text, 2) END
    $$;

-- Why permissions[k] changes nothing for a role of base type p_base at a root / sub-account (p_hidden: the
-- ords hidden for the tenant): not a permission or group name; Site Admin only; root account only; hidden by
-- a condition that is off (named, with the request that switches it); not available to a course role's base
-- type. The warning entry's text.
CREATE OR REPLACE FUNCTION rd_canvas_unmanageable_json(k text, p_base text, p_is_root boolean, p_hidden int[]) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    p canvas_permissions;
    cond text;
    avail boolean;
BEGIN
    SELECT x.* INTO p FROM canvas_permissions x WHERE x.name = k;
    IF NOT FOUND THEN
        SELECT x.* INTO p FROM canvas_permissions x WHERE x.grp = k ORDER BY x.ord LIMIT 1;
        IF NOT FOUND THEN
            RETURN rd_canvas_ignored_json(k, 'unknown_permission', NULL,
                format('%s is not a permission or permission group name; it was ignored', k));
        END IF;
    END IF;
    IF p.account_only = 'site_admin' THEN
        RETURN rd_canvas_ignored_json(k, 'site_admin_only', NULL,
            format('%s can only be set on the Site Admin account, which rolesd does not have; it was ignored', k));
    END IF;
    IF p.account_only = 'root' AND NOT p_is_root THEN
        RETURN rd_canvas_ignored_json(k, 'root_account_only', NULL,
            format('%s can only be set on the root account (PUT /api/v1/accounts/%s/roles/:id); it was ignored', k,
                   (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant())));
    END IF;
    IF p.ord = ANY (p_hidden) THEN
        SELECT c INTO cond FROM unnest(p.conditions) c WHERE c = ANY (rd_canvas_conditions_off()) ORDER BY c LIMIT 1;
        RETURN rd_canvas_ignored_json(k, 'condition_off', NULL,
            format('%s is unavailable while the condition %s is off; it was ignored', k, cond),
            jsonb_build_object('condition', cond, 'fix', rd_condition_fix(cond)));
    END IF;
    SELECT b.available INTO avail FROM canvas_permission_bases b WHERE b.ord = p.ord AND b.base_role_type = p_base;
    IF NOT coalesce(avail, false) THEN
        RETURN rd_canvas_ignored_json(k, 'not_available', NULL,
            format('%s is not available to roles of base type %s; it was ignored', k, p_base));
    END IF;
    RETURN rd_canvas_ignored_json(k, 'not_manageable', NULL, format('%s cannot be set here; it was ignored', k));
END $$;

-- GET /api/v1/accounts/:account_id/roles: the roles listed at p_chain[1], in the list's order — the built-in
-- roles but AccountMembership and NoPermissions when active roles are asked for, then the custom roles of
-- the asked states defined on the account (with p_inherited, on any account of its chain), by id. Both
-- lookups are index conditions: the root is the last account of the chain, and the accounts whose custom
-- roles are listed are one array, so that roles_account (tenant_id, account_id, id) is probed for them.
CREATE OR REPLACE FUNCTION rd_canvas_list_ids(p_chain bigint[], p_active boolean, p_inactive boolean,
                                              p_inherited boolean) RETURNS TABLE (ids bigint[])
    LANGUAGE sql STABLE
    AS $$
    SELECT ARRAY(
        SELECT l.id FROM (
            SELECT r.id, 0 AS part FROM roles r
             WHERE (p_active OR NOT p_inactive) AND r.tenant_id = rd_tenant() AND r.workflow_state = 'built_in'
               AND r.name NOT IN ('AccountMembership', 'NoPermissions')
               AND r.root_account_id = p_chain[cardinality(p_chain)]
            UNION ALL
            SELECT r.id, 1 FROM roles r
             WHERE r.tenant_id = rd_tenant()
               AND r.workflow_state = ANY (CASE WHEN p_active OR NOT p_inactive THEN ARRAY['active'] ELSE '{}' END
                                           || CASE WHEN p_inactive THEN ARRAY['inactive'] ELSE '{}' END)
               AND r.account_id = ANY (CASE WHEN p_inherited THEN p_chain ELSE p_chain[1:1] END)
        ) l ORDER BY l.part, l.id)
    $$;

-- Page p_page (from 1) of p_per roles of p_ids, as the JSON array text of their Role JSON at p_chain[1]. A
-- page past the last is '[]', however large its number (compared by division, so that no product
-- overflows: Canvas answers page=9223372036854775807 with an empty page, not an error).
CREATE OR REPLACE FUNCTION rd_canvas_list_page(p_chain bigint[], p_ids bigint[], p_page bigint, p_per int)
    RETURNS TABLE (body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN p_page - 1 >= (coalesce(cardinality(p_ids), 0) + p_per - 1) / p_per THEN '[]'
                -- in the ids' order by each one's position (ids are distinct); a join with the numbered ids was
                -- a hash join started at every execution (−73 k)
                ELSE (SELECT '[' || string_agg(x.body, ',' ORDER BY array_position(p_ids, x.role_id)) || ']'
                        FROM rd_canvas_roles_render(p_chain, p_ids[(p_page - 1) * p_per + 1 : p_page * p_per]) x) END
    $$;

-- The list (0002's contract and answer): the checks in the spec's order, then the ids and the page.
CREATE OR REPLACE FUNCTION rd_canvas_roles_list(p_ref text, p_perm text, p_bad text, p_active boolean, p_inactive boolean,
                                     p_inherited boolean, p_page bigint, p_per_page int)
    RETURNS TABLE (account_id bigint, total bigint, body text)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    chain bigint[] := rd_canvas_chain(acct);
    ids bigint[];
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    IF p_bad IS NOT NULL THEN
        PERFORM rd_canvas_bad(p_bad);
    END IF;
    IF p_page IS NULL OR p_page < 1 THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    ids := (SELECT l.ids FROM rd_canvas_list_ids(chain, p_active, p_inactive, p_inherited) l);
    account_id := acct;
    total := coalesce(cardinality(ids), 0);
    body := (SELECT pg.body FROM rd_canvas_list_page(chain, ids, p_page, greatest(1, least(coalesce(p_per_page, 10), 100))) pg);
    RETURN NEXT;
END $$;

-- The list's fast path: its row when the request is the common case (a numeric or `self` account, active; a
-- caller whose role has the route's permission locked on; no bad parameter; a page from 1), no row
-- otherwise, when api.canvas_roles_list falls back to rd_canvas_roles_list, which answers every form and
-- raises every error in the spec's order. One query that never raises, so no exception block, and none of
-- the general path's nested calls (account, chain, authorisation).
CREATE OR REPLACE FUNCTION rd_canvas_roles_list_fast(p_ref text, p_perm text, p_bad text, p_active boolean,
                                                     p_inactive boolean, p_inherited boolean, p_page bigint,
                                                     p_per_page int)
    RETURNS TABLE (account_id bigint, total bigint, body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT a.id, coalesce(cardinality(l.ids), 0)::bigint, pg.body
      FROM accounts a
     -- OFFSET 0: the ids are computed once, not copied into every use of them in the page's query
     CROSS JOIN LATERAL (SELECT x.ids FROM rd_canvas_list_ids(a.chain, p_active, p_inactive, p_inherited) x OFFSET 0) l
     CROSS JOIN LATERAL rd_canvas_list_page(a.chain, l.ids, p_page,
                                            greatest(1, least(coalesce(p_per_page, 10), 100))) pg
     WHERE a.tenant_id = rd_tenant() AND a.workflow_state = 'active'
       AND a.id = CASE WHEN p_ref ~ '^[0-9]{1,18}$' THEN p_ref::bigint
                       WHEN p_ref = 'self' THEN (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()) END
       AND p_bad IS NULL AND p_page >= 1 AND rd_user() IS NOT NULL
       AND (p_perm IS NULL OR (SELECT o.ok FROM rd_canvas_locked_on(a.chain, p_perm) o))
    $$;

-- 0002's scalar form, for SQL callers (plpgsql, so that the inlined query's plan is cached).
CREATE OR REPLACE FUNCTION rd_canvas_roles_show(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$ BEGIN RETURN (SELECT s.body FROM rd_canvas_role_show(p_ref, p_role, p_perm) s); END $$;

-- POST /api/v1/accounts/:account_id/roles (§2.5). p_base NULL = parameter absent. Atomic (a deliberate
-- difference from Canvas): when applying permissions fails, the role is not created either.
CREATE OR REPLACE FUNCTION rd_canvas_roles_create(p_ref text, p_perm text, p_bad text, p_label text, p_role text,
                                       p_base text, p_permissions json) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    chain bigint[] := rd_canvas_chain(acct);
    nm text;
    base text := coalesce(p_base, 'AccountMembership');
    r roles;
    warnings text;
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    IF p_bad IS NOT NULL THEN
        PERFORM rd_canvas_bad(p_bad);
    END IF;
    nm := CASE WHEN NOT rd_canvas_blank(p_label) THEN p_label ELSE p_role END;
    IF rd_canvas_blank(nm) THEN
        PERFORM rd_canvas_bad('missing required parameter ''role''');
    END IF;
    PERFORM rd_canvas_writable();
    PERFORM rd_canvas_role_validate(acct, NULL, nm, base, true);
    BEGIN
        INSERT INTO roles AS x (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
        VALUES (rd_tenant(), rd_canvas_root_of(acct), acct, nm, base, 'active')
        RETURNING x.* INTO r;
    EXCEPTION WHEN unique_violation THEN
        PERFORM rd_canvas_role_dup();
    END;
    warnings := rd_canvas_apply_permissions(chain, r, p_permissions);
    RETURN rd_canvas_json_extend(rd_canvas_role_body(chain, r.id, warnings),
        CASE base WHEN 'StudentEnrollment' THEN '"base_role_type_label":"Student"'
                  WHEN 'TeacherEnrollment' THEN '"base_role_type_label":"Teacher"'
                  WHEN 'TaEnrollment' THEN '"base_role_type_label":"TA"'
                  WHEN 'DesignerEnrollment' THEN '"base_role_type_label":"Designer"'
                  WHEN 'ObserverEnrollment' THEN '"base_role_type_label":"Observer"' END);
END $$;

-- PUT's fast path to its target: the URL account's chain and the role's id when the request is the common case
-- that the general steps of rd_canvas_roles_update would let through without a word (as in GET role's fast
-- path, rd_canvas_role_get_fast: a numeric or `self` account, active; a numeric role visible there and not
-- deleted; a caller whose base role has the permission locked on; and, for a write, a tenant that is not
-- read-only), else no row. One query instead of five calls (account, chain, role, authorisation, read-only
-- state) and their statements: callgrind, a PUT repeating one override, 120 k instructions less.
CREATE OR REPLACE FUNCTION rd_canvas_role_write_fast(p_ref text, p_role text, p_perm text)
    RETURNS TABLE (chain bigint[], role_id bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT a.chain, r.id
      FROM tenants t
      JOIN accounts a
        ON a.tenant_id = t.id AND a.workflow_state = 'active'
       AND a.id = CASE WHEN p_ref ~ '^[0-9]{1,18}$' THEN p_ref::bigint WHEN p_ref = 'self' THEN t.root_account_id END
      JOIN roles r
        ON r.tenant_id = t.id AND r.id = CASE WHEN p_role ~ '^[0-9]{1,18}$' THEN p_role::bigint END
       AND r.workflow_state IN ('built_in', 'active', 'inactive')
       AND (r.workflow_state = 'built_in' OR r.account_id = ANY (a.chain))
     WHERE t.id = rd_tenant() AND NOT t.read_only AND rd_user() IS NOT NULL
       AND (p_perm IS NULL OR (SELECT l.ok FROM rd_canvas_locked_on(a.chain, p_perm) l))
    $$;

-- PUT /api/v1/accounts/:account_id/roles/:id (§2.6): rename (label), then permissions at the URL account,
-- all in one transaction (nothing is written when any part fails).
CREATE OR REPLACE FUNCTION rd_canvas_roles_update(p_ref text, p_role text, p_perm text, p_bad text, p_label text,
                                       p_permissions json) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[];
    r roles;
    warnings text;
BEGIN
    SELECT f.chain, f.role_id INTO chain, r.id FROM rd_canvas_role_write_fast(p_ref, p_role, p_perm) f
     WHERE p_bad IS NULL;
    IF r.id IS NULL THEN
        -- the general steps, in the spec's order, each raising its own error
        chain := rd_canvas_chain(rd_account_resolve(p_ref));
        r := rd_canvas_role_find(chain, p_role);
        PERFORM rd_canvas_require(chain, p_perm);
        IF p_bad IS NOT NULL THEN
            PERFORM rd_canvas_bad(p_bad);
        END IF;
        PERFORM rd_canvas_writable();
    END IF;
    -- serialise writers of this role (rename, overrides, state)
    SELECT x.* INTO r FROM roles x WHERE x.tenant_id = rd_tenant() AND x.id = r.id FOR UPDATE;
    IF r.workflow_state = 'deleted' THEN
        RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
    END IF;
    IF NOT rd_canvas_blank(p_label) AND p_label <> rd_canvas_role_label(r.name, r.workflow_state) THEN
        IF r.workflow_state = 'built_in' THEN
            PERFORM rd_canvas_bad('cannot update the ''label'' for a built-in role');
        ELSIF r.account_id <> chain[1] THEN
            PERFORM rd_canvas_bad('cannot update the ''label'' for an inherited role');
        END IF;
        PERFORM rd_canvas_role_validate(chain[1], r.id, p_label, r.base_role_type, r.workflow_state = 'active');
        BEGIN
            UPDATE roles x SET name = p_label, updated_at = now()
             WHERE x.tenant_id = rd_tenant() AND x.id = r.id
            RETURNING x.* INTO r;
        EXCEPTION WHEN unique_violation THEN
            PERFORM rd_canvas_role_dup();
        END;
    END IF;
    warnings := rd_canvas_apply_permissions(chain, r, p_permissions);
    RETURN rd_canvas_role_body(chain, r.id, warnings);
END $$;

-- DELETE /api/v1/accounts/:account_id/roles/:id (§2.7): deactivates; checks in the spec's order.
CREATE OR REPLACE FUNCTION rd_canvas_roles_deactivate(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    PERFORM rd_canvas_writable();
    SELECT x.* INTO r FROM roles x WHERE x.tenant_id = rd_tenant() AND x.id = r.id FOR UPDATE;
    IF r.workflow_state = 'inactive' THEN
        PERFORM rd_canvas_bad('Cannot deactivate an already inactive role');
    ELSIF r.workflow_state = 'built_in' THEN
        PERFORM rd_canvas_bad('Cannot remove a built-in role');
    ELSIF r.workflow_state = 'deleted' THEN
        RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
    ELSIF r.account_id <> chain[1] THEN
        PERFORM rd_not_found();
    END IF;
    UPDATE roles x SET workflow_state = 'inactive', updated_at = now()
     WHERE x.tenant_id = rd_tenant() AND x.id = r.id;
    RETURN rd_canvas_role_body(chain, r.id, NULL);
END $$;

-- POST /api/v1/accounts/:account_id/roles/:id/activate (§2.7).
CREATE OR REPLACE FUNCTION rd_canvas_roles_activate(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    PERFORM rd_canvas_writable();
    SELECT x.* INTO r FROM roles x WHERE x.tenant_id = rd_tenant() AND x.id = r.id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM roles x
                WHERE x.tenant_id = rd_tenant() AND x.account_id = chain[1] AND x.name = r.name
                  AND x.workflow_state = 'active') THEN
        PERFORM rd_canvas_bad('An active role already exists with that name');
    END IF;
    IF r.workflow_state <> 'inactive' THEN
        PERFORM rd_canvas_bad('Role not found');
    END IF;
    BEGIN
        UPDATE roles x SET workflow_state = 'active', updated_at = now()
         WHERE x.tenant_id = rd_tenant() AND x.id = r.id;
    EXCEPTION WHEN unique_violation THEN
        -- the role is defined on an ancestor that already has an active role of that name
        PERFORM rd_canvas_role_dup();
    END;
    RETURN rd_canvas_role_body(chain, r.id, NULL);
END $$;

-- Each step is a subquery fenced with OFFSET 0, so that it is computed once and later steps refer to its
-- result (without the fences the planner substitutes each step's expression into every later use: the role
-- lookup ran four times, and the render's arguments stopped it from being inlined), and so that the steps
-- run in order: a step that may raise must not run on rows an earlier step has not yet narrowed down (the
-- chain unfenced, a plan could scan the tenant's accounts and look the role up on each one's chain before
-- joining the URL account: a `make test` run once answered "role not found" for an unknown account and for a
-- name found only on the URL account's chain).
CREATE OR REPLACE FUNCTION rd_canvas_role_show(p_ref text, p_role text, p_perm text) RETURNS TABLE (body text)
    LANGUAGE sql STABLE
    AS $$
    SELECT x.body
      FROM (SELECT coalesce(f.id, rd_account_resolve(p_ref)) AS id FROM rd_canvas_account_fast(p_ref) f OFFSET 0) acct
     -- OFFSET 0: a chain pulled up into the join would let the planner scan accounts, and look the role up
     -- on each account's chain (raising "role not found" there), before the URL account is resolved
     CROSS JOIN LATERAL (SELECT ch.ids FROM rd_canvas_chain_of(acct.id) ch OFFSET 0) c
     CROSS JOIN LATERAL (
           SELECT coalesce(
                      CASE WHEN p_role ~ '^[0-9]{1,18}$'
                           THEN (SELECT r.id FROM roles r
                                  WHERE r.tenant_id = rd_tenant() AND r.id = p_role::bigint
                                    AND r.workflow_state IN ('built_in', 'active', 'inactive')
                                    AND (r.workflow_state = 'built_in' OR r.account_id = ANY (c.ids))) END,
                      (rd_canvas_role_find(c.ids, p_role)).id) AS id
           OFFSET 0) role
     CROSS JOIN LATERAL (
           SELECT role.id,
                  CASE WHEN rd_user() IS NOT NULL AND p_perm IS NOT NULL
                            AND (SELECT l.ok FROM rd_canvas_locked_on(c.ids, p_perm) l) THEN true
                       ELSE rd_canvas_authorized(c.ids, p_perm) END AS ok
           OFFSET 0) auth
     CROSS JOIN LATERAL rd_canvas_roles_render(c.ids, ARRAY[CASE WHEN auth.ok THEN auth.id END]) x
    $$;
