-- The MediaCore api2 Roles API: roles over 19 permissions, dependency closure.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- Hot scalar SQL functions whose body has a FROM clause, as plpgsql. Same bodies, same results.
--
-- PostgreSQL inlines a scalar SQL function only when its body is a bare expression; any other SQL function
-- runs through the SQL-function executor, which parses and plans its body again for every query that calls
-- it (PostgreSQL 15 keeps no plan for it across executions). plpgsql caches each statement's plan for the
-- life of the connection. rd_api2_role_perms was planned once per request of every api2 read and write.

-- The closures read each permission's stored transitive dependencies (api2_permissions.requires, migration
-- 0029, kept by rd_api2_requires_rebuild below); before that they walked api2_permission_deps with a recursive
-- CTE at every call (about 800 k instructions, most of it zeroing the recursive UNION's hash table).

-- The largest dependency-closed subset of p_current + p_requested: every known permission among them whose
-- dependencies are all among them. Sorted, no duplicates.
CREATE OR REPLACE FUNCTION rd_api2_closure_add(p_current text[], p_requested text[]) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(p.name ORDER BY p.name), '{}')
              FROM api2_permissions p
             WHERE p.name = ANY (coalesce(p_current, '{}') || coalesce(p_requested, '{}'))
               AND p.requires <@ (coalesce(p_current, '{}') || coalesce(p_requested, '{}')));
END $$;

-- p_current without p_removed and without everything that depends on one of them, transitively. Sorted, no
-- duplicates.
CREATE OR REPLACE FUNCTION rd_api2_closure_remove(p_current text[], p_removed text[]) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT c.name ORDER BY c.name), '{}')
              FROM unnest(coalesce(p_current, '{}')) AS c (name)
              LEFT JOIN api2_permissions p ON p.name = c.name
             WHERE NOT c.name = ANY (coalesce(p_removed, '{}'))
               AND NOT coalesce(p.requires && coalesce(p_removed, '{}'), false));
END $$;

-- api2_permissions.requires (0029): each permission's transitive dependencies, sorted, computed again from
-- the edges after any change of them, in the same transaction.
--
-- Every stored role set is dependency-closed: the seeds are, every write stores a closure's result, and the
-- closures of a closed set are closed (requires is transitive). Only a new edge could open a set, so a
-- change of the edges that leaves any tenant's set open is refused here: the migration that adds the edge
-- decides what such roles become, in the same transaction. The writes rely on it (a role's lock orders
-- writers that each start from a closed set), and so does rd_api2_change_fast.
CREATE OR REPLACE FUNCTION rd_api2_requires_rebuild() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    t bigint;
    prev text := current_setting('rolesd.tenant_id', true);
    open_role bigint;
BEGIN
    WITH RECURSIVE needs (permission, dep) AS (
        SELECT d.permission, d.depends_on FROM api2_permission_deps d
        UNION
        SELECT n.permission, d.depends_on FROM needs n JOIN api2_permission_deps d ON d.permission = n.dep
    )
    UPDATE api2_permissions p
       SET requires = coalesce((SELECT array_agg(n.dep ORDER BY n.dep) FROM needs n WHERE n.permission = p.name),
                               '{}');
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('rolesd.tenant_id', t::text, true);
        SELECT o.role_id INTO open_role
          FROM api2_role_permissions o
          JOIN api2_permissions p ON p.name = o.permission
          CROSS JOIN LATERAL unnest(p.requires) AS d (name)
         WHERE o.tenant_id = t
           AND NOT EXISTS (SELECT FROM api2_role_permissions x
                            WHERE x.tenant_id = t AND x.role_id = o.role_id AND x.permission = d.name)
         LIMIT 1;
        IF open_role IS NOT NULL THEN
            RAISE EXCEPTION 'api2 role % of tenant % would hold a permission without its dependencies', open_role, t
                USING ERRCODE = 'RD500', HINT = 'give the role the new dependency, or take the permission away, first';
        END IF;
    END LOOP;
    PERFORM set_config('rolesd.tenant_id', coalesce(prev, ''), true);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER api2_requires_from_deps AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON api2_permission_deps FOR EACH STATEMENT EXECUTE PROCEDURE rd_api2_requires_rebuild();
-- a permission added or renamed (its edges follow by their foreign keys, or come after it)
CREATE OR REPLACE TRIGGER api2_requires_from_permissions AFTER INSERT OR UPDATE OF name
    ON api2_permissions FOR EACH STATEMENT EXECUTE PROCEDURE rd_api2_requires_rebuild();

-- ---------------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------------

-- The caller must be an Administrator user (api2-roles.md §1).
CREATE OR REPLACE FUNCTION rd_api2_require_admin() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'Authentication required: send an Authorization: Bearer token' USING ERRCODE = 'RDU01';
    END IF;
    IF NOT coalesce((SELECT u.is_admin FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = rd_user()), false)
    THEN
        RAISE EXCEPTION 'Only Administrator users may use the Roles API' USING ERRCODE = 'RD403';
    END IF;
END $$;

-- Writes are refused while the tenant is in read-only mode (503 with Retry-After).
CREATE OR REPLACE FUNCTION rd_api2_require_writable() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF (SELECT t.read_only FROM tenants t WHERE t.id = rd_tenant()) THEN
        RAISE EXCEPTION 'This site is in read-only mode' USING ERRCODE = 'RDRO1';
    END IF;
END $$;

-- One {field, message} entry of a 422 body.
CREATE OR REPLACE FUNCTION rd_api2_error(p_field text, p_message text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT jsonb_build_object('field', p_field, 'message', p_message) $$;

-- Raises the 422 when p_errors (a jsonb array) is not empty. The DETAIL is the errors array, kept compact and
-- short (the C side reads at most 2 kB of DETAIL).
CREATE OR REPLACE FUNCTION rd_api2_raise_invalid(p_errors jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF jsonb_array_length(p_errors) > 0 THEN
        RAISE EXCEPTION 'Invalid values' USING ERRCODE = 'RD422',
            DETAIL = (SELECT '[' || string_agg('{"field":' || to_json(e ->> 'field')::text
                                               || ',"message":' || to_json(e ->> 'message')::text || '}', ','
                                               ORDER BY n) || ']'
                        FROM jsonb_array_elements(p_errors) WITH ORDINALITY AS x (e, n));
    END IF;
END $$;

-- A role id from the URL: decimal digits within bigint range, else NULL (no such role).
CREATE OR REPLACE FUNCTION rd_api2_parse_id(p_id text) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN p_id ~ '^[0-9]{1,19}$' AND p_id::numeric <= 9223372036854775807 THEN p_id::bigint END
    $$;

-- The role of the current tenant with that URL id, locked for update when p_lock; RDR04 when there is none
-- (other tenants' roles are invisible: RLS and the tenant_id condition).
CREATE OR REPLACE FUNCTION rd_api2_role_find(p_id text, p_lock boolean) RETURNS api2_roles
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_parse_id(p_id);
    r api2_roles;
BEGIN
    IF v_id IS NOT NULL THEN
        IF p_lock THEN
            SELECT * INTO r FROM api2_roles x WHERE x.tenant_id = rd_tenant() AND x.id = v_id FOR UPDATE;
        ELSE
            SELECT * INTO r FROM api2_roles x WHERE x.tenant_id = rd_tenant() AND x.id = v_id;
        END IF;
    END IF;
    IF r.id IS NULL THEN
        RAISE EXCEPTION 'Role not found' USING ERRCODE = 'RDR04';
    END IF;
    RETURN r;
END $$;

CREATE OR REPLACE FUNCTION rd_api2_role_perms(p_role bigint) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(p.permission ORDER BY p.permission), '{}')
              FROM api2_role_permissions p WHERE p.tenant_id = rd_tenant() AND p.role_id = p_role);
END $$;

-- The Role object (api2-roles.md §3) as compact JSON text, keys in the documented order.
CREATE OR REPLACE FUNCTION rd_api2_role_json(r api2_roles, p_perms text[]) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    -- one concat() rather than a chain of `||` (see rd_canvas_account_json): api2 GET role 591 k -> 548 k
    SELECT concat('{"id":"', r.id, '","display_name":', to_json(r.display_name),
                  ',"created_on":"', rd_iso(r.created_on), '","modified_on":"', rd_iso(r.modified_on),
                  '","permissions":', array_to_json(coalesce(p_perms, '{}')),
                  CASE WHEN r.deletable THEN ',"deletable":true' ELSE ',"deletable":false' END,
                  CASE WHEN r.lti THEN ',"lti":true' ELSE ',"lti":false' END,
                  ',"links":{"self":"/api2/roles/', r.id, '"}}')
    $$;

-- Validates a `permissions` request value (a JSON list of known permission names) and returns it as a
-- sorted, duplicate-free array; problems are appended to p_errors. NULL (absent) is "is required" when
-- p_required, else stays NULL.
CREATE OR REPLACE FUNCTION rd_api2_permission_list(p_value jsonb, p_required boolean, INOUT p_errors jsonb,
                                        OUT perms text[])
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    unknown text[];
BEGIN
    IF p_value IS NULL THEN
        IF p_required THEN
            p_errors := p_errors || rd_api2_error('permissions', 'is required');
        END IF;
        RETURN;
    END IF;
    IF jsonb_typeof(p_value) <> 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(p_value) e WHERE jsonb_typeof(e) <> 'string') THEN
        p_errors := p_errors || rd_api2_error('permissions', 'must be a list of permission names');
        RETURN;
    END IF;
    SELECT coalesce(array_agg(DISTINCT e COLLATE "C" ORDER BY e COLLATE "C"), '{}')
      INTO perms FROM jsonb_array_elements_text(p_value) e;
    SELECT array_agg(x ORDER BY x) INTO unknown
      FROM (SELECT DISTINCT e AS x FROM unnest(perms) e
             WHERE NOT EXISTS (SELECT 1 FROM api2_permissions p WHERE p.name = e)) s;
    IF unknown IS NOT NULL THEN
        -- one entry per unknown name, at most five, names cut short: the DETAIL must stay small
        p_errors := p_errors || (SELECT jsonb_agg(rd_api2_error('permissions', format('unknown permission %s',
                                         to_json(left(u, 64))::text)))
                                   FROM unnest(unknown[1:5]) u);
        perms := NULL;
    END IF;
END $$;

-- Validates a `display_name` request value; returns it stripped of surrounding whitespace. Checks it is not
-- taken by another role of the tenant (case-insensitive) than p_self.
CREATE OR REPLACE FUNCTION rd_api2_display_name(p_value jsonb, p_required boolean, p_self bigint, INOUT p_errors jsonb,
                                     OUT name text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_value IS NULL THEN
        IF p_required THEN
            p_errors := p_errors || rd_api2_error('display_name', 'is required');
        END IF;
        RETURN;
    END IF;
    IF jsonb_typeof(p_value) = 'null' THEN
        p_errors := p_errors || rd_api2_error('display_name', 'can''t be blank');
        RETURN;
    END IF;
    IF jsonb_typeof(p_value) <> 'string' THEN
        p_errors := p_errors || rd_api2_error('display_name', 'must be a string');
        RETURN;
    END IF;
    name := rd_strip_space(p_value #>> '{}');
    IF name = '' THEN
        p_errors := p_errors || rd_api2_error('display_name', 'can''t be blank');
        name := NULL;
    ELSIF length(name) > 255 THEN
        p_errors := p_errors || rd_api2_error('display_name', 'is too long (maximum is 255 characters)');
        name := NULL;
    ELSIF EXISTS (SELECT 1 FROM api2_roles r WHERE r.tenant_id = rd_tenant()
                     AND lower(r.display_name) = lower(name) AND r.id IS DISTINCT FROM p_self) THEN
        p_errors := p_errors || rd_api2_error('display_name', 'has already been taken');
        name := NULL;
    END IF;
END $$;

-- Makes the role's stored permissions exactly p_perms; true when anything changed.
CREATE OR REPLACE FUNCTION rd_api2_role_set_perms(p_role bigint, p_perms text[]) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    n_del int;
    n_ins int;
BEGIN
    DELETE FROM api2_role_permissions p
     WHERE p.tenant_id = rd_tenant() AND p.role_id = p_role AND p.permission <> ALL (p_perms);
    GET DIAGNOSTICS n_del = ROW_COUNT;
    INSERT INTO api2_role_permissions (tenant_id, role_id, permission)
    SELECT rd_tenant(), p_role, x FROM unnest(p_perms) x
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n_ins = ROW_COUNT;
    RETURN n_del + n_ins > 0;
END $$;

-- Parses a boolean list filter: JSON true/false or the strings true/false/1/0 (any case); "" is no filter.
CREATE OR REPLACE FUNCTION rd_api2_bool_filter(p_value jsonb, p_field text, INOUT p_errors jsonb, OUT val boolean)
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RETURN;
    ELSIF jsonb_typeof(p_value) = 'boolean' THEN
        val := p_value::text::boolean;
    ELSIF jsonb_typeof(p_value) = 'string' AND lower(p_value #>> '{}') IN ('true', '1') THEN
        val := true;
    ELSIF jsonb_typeof(p_value) = 'string' AND lower(p_value #>> '{}') IN ('false', '0') THEN
        val := false;
    ELSIF jsonb_typeof(p_value) = 'string' AND p_value #>> '{}' = '' THEN
        RETURN;
    ELSE
        p_errors := p_errors || rd_api2_error(p_field, 'must be true or false');
    END IF;
END $$;

-- The roles matching the list filters (api2-roles.md §3), after checking the caller and the filter values.
-- p_permissions: a comma-separated string (or a JSON list); a role must have all of them.
CREATE OR REPLACE FUNCTION rd_api2_roles_filtered(p_display_name jsonb, p_deletable jsonb, p_lti jsonb,
                                       p_permissions jsonb)
    RETURNS SETOF api2_roles
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    errs jsonb := '[]';
    v_name text;
    v_deletable boolean;
    v_lti boolean;
    v_perms text[];
    v_list jsonb := p_permissions;
BEGIN
    PERFORM rd_api2_require_admin();
    IF p_display_name IS NOT NULL AND jsonb_typeof(p_display_name) = 'string' THEN
        v_name := NULLIF(p_display_name #>> '{}', '');
    ELSIF p_display_name IS NOT NULL AND jsonb_typeof(p_display_name) <> 'null' THEN
        errs := errs || rd_api2_error('display_name', 'must be a string');
    END IF;
    -- each helper only for a filter given (each call is a plpgsql call and a query: about 25 k)
    IF p_deletable IS NOT NULL THEN
        SELECT b.p_errors, b.val INTO errs, v_deletable FROM rd_api2_bool_filter(p_deletable, 'deletable', errs) b;
    END IF;
    IF p_lti IS NOT NULL THEN
        SELECT b.p_errors, b.val INTO errs, v_lti FROM rd_api2_bool_filter(p_lti, 'lti', errs) b;
    END IF;
    IF jsonb_typeof(v_list) = 'string' THEN
        v_list := (SELECT coalesce(jsonb_agg(btrim(x)), '[]') FROM regexp_split_to_table(v_list #>> '{}', ',') x
                    WHERE btrim(x) <> '');
    ELSIF jsonb_typeof(v_list) = 'null' THEN
        v_list := NULL;
    END IF;
    IF v_list IS NOT NULL THEN
        SELECT l.p_errors, l.perms INTO errs, v_perms FROM rd_api2_permission_list(v_list, false, errs) l;
    END IF;
    IF errs <> '[]' THEN
        PERFORM rd_api2_raise_invalid(errs);
    END IF;
    RETURN QUERY
    SELECT r.* FROM api2_roles r
     WHERE r.tenant_id = rd_tenant()
       AND (v_name IS NULL OR r.display_name = v_name)
       AND (v_deletable IS NULL OR r.deletable = v_deletable)
       AND (v_lti IS NULL OR r.lti = v_lti)
       -- the roles holding every permission asked for, found once (hashed) from the permissions' index
       -- rather than counted by a subquery per role of the tenant (callgrind, a list of 27 roles: −230 k)
       AND (v_perms IS NULL OR cardinality(v_perms) = 0
            OR r.id IN (SELECT p.role_id FROM api2_role_permissions p
                         WHERE p.tenant_id = rd_tenant() AND p.permission = ANY (v_perms)
                         GROUP BY p.role_id HAVING count(*) = cardinality(v_perms)));
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Endpoints
-- ---------------------------------------------------------------------------------------------------------

-- GET /api2/roles: (total matching, JSON array of the page's roles ordered by id). Links are added by C.
CREATE OR REPLACE FUNCTION rd_api2_roles_list(p_display_name jsonb, p_deletable jsonb, p_lti jsonb, p_permissions jsonb,
                                   p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE sql STABLE
    AS $$
    -- columns, not the whole row: each field of a composite is a FieldSelect that deforms it again, and
    -- rd_api2_role_json of a ROW() of the columns reads them directly (PostgreSQL folds a field of a ROW() to the
    -- column): −200 k on a page of 24. A column added to api2_roles makes the ROW() cast fail at migrate.
    WITH f AS MATERIALIZED (
        SELECT x.* FROM rd_api2_roles_filtered(p_display_name, p_deletable, p_lti, p_permissions) x
    ),
    page AS (
        SELECT f.* FROM f ORDER BY f.id
        OFFSET (greatest(p_page, 1) - 1) * p_per_page LIMIT p_per_page
    ),
    -- the page's permission sets in one grouped read (a call of rd_api2_role_perms per role started an executor
    -- and a sort for each: 50 a page)
    perms AS (
        SELECT o.role_id, array_agg(o.permission ORDER BY o.permission) AS perms
          FROM api2_role_permissions o
         WHERE o.tenant_id = rd_tenant() AND o.role_id IN (SELECT p.id FROM page p)
         GROUP BY o.role_id
    )
    SELECT (SELECT count(*) FROM f),
           '[' || coalesce((SELECT string_agg(rd_api2_role_json(ROW(p.tenant_id, p.id, p.display_name, p.deletable, p.lti,
                                                                    p.created_on, p.modified_on)::api2_roles,
                                                                coalesce(x.perms, '{}')), ',' ORDER BY p.id)
                              FROM page p LEFT JOIN perms x ON x.role_id = p.id), '') || ']'
    $$;

CREATE OR REPLACE FUNCTION rd_api2_roles_count(p_display_name jsonb, p_deletable jsonb, p_lti jsonb,
                                               p_permissions jsonb)
    RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT '{"count":' || count(*) || '}'
              FROM rd_api2_roles_filtered(p_display_name, p_deletable, p_lti, p_permissions));
END $$;

-- GET /api2/roles/:id
CREATE OR REPLACE FUNCTION rd_api2_roles_get(p_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    r api2_roles;
BEGIN
    PERFORM rd_api2_require_admin();
    r := rd_api2_role_find(p_id, false);
    RETURN rd_api2_role_json(r, rd_api2_role_perms(r.id));
END $$;

-- POST /api2/roles: display_name (required), permissions (required list; the dependency rule applies as
-- for adding to an empty role). Returns the new id (for Location) and the role.
CREATE OR REPLACE FUNCTION rd_api2_roles_create(p_display_name jsonb, p_permissions jsonb)
    RETURNS TABLE (id bigint, body text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs jsonb := '[]';
    v_name text;
    v_perms text[];
    r api2_roles;
BEGIN
    PERFORM rd_api2_require_admin();
    PERFORM rd_api2_require_writable();
    SELECT d.p_errors, d.name INTO errs, v_name FROM rd_api2_display_name(p_display_name, true, NULL, errs) d;
    SELECT l.p_errors, l.perms INTO errs, v_perms FROM rd_api2_permission_list(p_permissions, true, errs) l;
    PERFORM rd_api2_raise_invalid(errs);
    BEGIN
        INSERT INTO api2_roles (tenant_id, display_name) VALUES (rd_tenant(), v_name) RETURNING * INTO r;
    EXCEPTION WHEN unique_violation THEN
        -- a concurrent create took the name between the check and the insert
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('display_name', 'has already been taken')));
    END;
    v_perms := rd_api2_closure_add('{}', v_perms);
    PERFORM rd_api2_role_set_perms(r.id, v_perms);
    id := r.id;
    body := rd_api2_role_json(r, v_perms);
    RETURN NEXT;
END $$;

-- POST /api2/roles/:id: display_name and/or permissions (replaces the whole set; dependency rule as for
-- adding to an empty role). Neither given: the role unchanged. modified_on moves only when something changed.
-- An LTI role keeps its display name (LMS launches map to it).
CREATE OR REPLACE FUNCTION rd_api2_roles_update(p_id text, p_display_name jsonb, p_permissions jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs jsonb := '[]';
    v_name text;
    v_perms text[];
    r api2_roles;
    changed boolean := false;
BEGIN
    PERFORM rd_api2_require_admin();
    PERFORM rd_api2_require_writable();
    r := rd_api2_role_find(p_id, true);
    SELECT d.p_errors, d.name INTO errs, v_name FROM rd_api2_display_name(p_display_name, false, r.id, errs) d;
    IF r.lti AND v_name IS NOT NULL AND v_name <> r.display_name THEN
        errs := errs || rd_api2_error('display_name', 'cannot be changed for an LTI role');
    END IF;
    SELECT l.p_errors, l.perms INTO errs, v_perms FROM rd_api2_permission_list(p_permissions, false, errs) l;
    PERFORM rd_api2_raise_invalid(errs);
    IF v_perms IS NOT NULL THEN
        changed := rd_api2_role_set_perms(r.id, rd_api2_closure_add('{}', v_perms));
    END IF;
    IF v_name IS NOT NULL AND v_name <> r.display_name THEN
        changed := true;
        BEGIN
            UPDATE api2_roles x SET display_name = v_name WHERE x.tenant_id = r.tenant_id AND x.id = r.id;
        EXCEPTION WHEN unique_violation THEN
            PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('display_name',
                                                                           'has already been taken')));
        END;
    END IF;
    IF changed THEN
        UPDATE api2_roles x SET modified_on = now() WHERE x.tenant_id = r.tenant_id AND x.id = r.id
        RETURNING * INTO r;
    END IF;
    RETURN rd_api2_role_json(r, rd_api2_role_perms(r.id));
END $$;

-- POST /api2/roles/:id/add-permissions and /remove-permissions (p_add picks which). The role row is locked
-- first, so the set read after it is the latest committed one and concurrent writers on one role apply one
-- after the other: each result is dependency-closed because each starts from a closed set.
--
-- A request that changes nothing is answered before this, by rd_api2_change_fast from the api function. Here:
-- the caller's and the tenant's state and the role's lock (only the lock when rd_api2_change_fast found the
-- rest, p_role), then the request's names, the current set and the closure in one query; two more when the
-- set changes (the insert or the delete, and modified_on). An unchanged set leaves modified_on, as the
-- general update does. The checks' helpers run, and raise in the spec's order, only when something is wrong.
-- Before the fourth pass: twelve statements in eight functions (2.61 M instructions a request; 800 k of them
-- the recursive closure, see above).
--
-- p_role: the role's id when rd_api2_change_fast has just found the caller an Administrator of a writable
-- tenant and the role (its request changes the set), so only the lock is left to take; else NULL.
CREATE OR REPLACE FUNCTION rd_api2_roles_change_permissions(p_id text, p_permissions jsonb, p_add boolean,
                                                            p_role bigint) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    r api2_roles;
    known boolean;
    v_perms text[];
    cur text[];
    nxt text[];
    errs jsonb := '[]';
BEGIN
    IF p_role IS NOT NULL THEN
        SELECT * INTO r FROM api2_roles x WHERE x.tenant_id = rd_tenant() AND x.id = p_role FOR UPDATE;
    END IF;
    IF r.id IS NULL THEN
        IF NOT coalesce((SELECT u.is_admin AND NOT t.read_only
                           FROM users u JOIN tenants t ON t.id = u.tenant_id
                          WHERE u.tenant_id = rd_tenant() AND u.id = rd_user()), false) THEN
            PERFORM rd_api2_require_admin();
            PERFORM rd_api2_require_writable();
        END IF;
        r := rd_api2_role_find(p_id, true);
    END IF;
    -- the names asked for (all known strings, else the general validation says what is wrong), the role's set,
    -- and the set it becomes
    SELECT v.known, v.perms, c.perms,
           CASE WHEN p_add THEN rd_api2_closure_add(c.perms, v.perms) ELSE rd_api2_closure_remove(c.perms, v.perms) END
      INTO known, v_perms, cur, nxt
      FROM (SELECT bool_and(p.name IS NOT NULL) AS known, array_agg(e.value) AS perms
              FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(p_permissions) = 'array'
                                                  THEN p_permissions END) e
              LEFT JOIN api2_permissions p ON p.name = e.value) v,
           (SELECT coalesce(array_agg(o.permission ORDER BY o.permission), '{}') AS perms
              FROM api2_role_permissions o WHERE o.tenant_id = r.tenant_id AND o.role_id = r.id) c;
    IF known IS NOT TRUE THEN
        SELECT l.p_errors INTO errs FROM rd_api2_permission_list(p_permissions, true, errs) l;
        PERFORM rd_api2_raise_invalid(errs);
        nxt := cur; -- an empty list: nothing to add or remove
    END IF;
    IF nxt IS DISTINCT FROM cur THEN
        -- adding only inserts and removing only deletes (the current set is closed): one statement, not
        -- rd_api2_role_set_perms' two, each of which starts a ModifyTable (about 100 k instructions)
        IF p_add THEN
            -- no ON CONFLICT: cur was read under the role's lock, which every writer of the set takes
            INSERT INTO api2_role_permissions (tenant_id, role_id, permission)
            SELECT r.tenant_id, r.id, x FROM unnest(nxt) x WHERE x <> ALL (cur);
        ELSE
            DELETE FROM api2_role_permissions p
             WHERE p.tenant_id = r.tenant_id AND p.role_id = r.id AND p.permission <> ALL (nxt);
        END IF;
        UPDATE api2_roles x SET modified_on = now() WHERE x.tenant_id = r.tenant_id AND x.id = r.id
        RETURNING * INTO r;
    END IF;
    RETURN rd_api2_role_json(r, nxt);
END $$;

-- add-/remove-permissions that change nothing (the same request sent again, the commonest write): the role
-- as it is, from one query of the caller's api function with no lock, no exception block and no write; no
-- row in every other case (not an Administrator, read-only tenant, no such role, an empty or malformed list,
-- a name that is not a known permission, a set that would change), where rd_api2_roles_change_permissions
-- runs and raises in the spec's order. Without the lock the answer is the set of the query's snapshot, which
-- a request that writes nothing may report: it is ordered before any write committed after that snapshot.
--
-- A stored set S is closed (each member's dependencies are members; rd_api2_requires_rebuild keeps it so), so
-- adding names that are all in S gives S (rd_api2_closure_add), and removing known names none of which is in
-- S gives S (no member depends on them, as its dependencies are in S). Containment of the request's JSON array
-- in S (or in the catalogue's names it matches) says both without unpacking it: `<@` on jsonb arrays compares
-- elements. test_api2_change_fast.sql compares this with the general path over every kind of request.
--
-- A request that changes the set pays this query on top of the general path's (role_id spares it the
-- caller's and the role's lookups, not the cost): 1.54 M -> 1.68 M instructions for an add or remove that
-- changes the set, 0.93 M -> 0.61 M for one that does not (make bench-instructions, README "Sixth pass").
CREATE OR REPLACE FUNCTION rd_api2_change_fast(p_id bigint, p_permissions jsonb, p_add boolean)
    RETURNS TABLE (body text, role_id bigint)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN jsonb_typeof(p_permissions) = 'array' AND p_permissions <> '[]'
                 AND CASE WHEN p_add THEN p_permissions <@ to_jsonb(c.cur)
                          ELSE NOT p_permissions ?| c.cur
                               AND p_permissions <@ (SELECT jsonb_agg(p.name) FROM api2_permissions p
                                                      WHERE p_permissions ? p.name) END
                THEN rd_api2_role_json(r, c.cur) END,
           r.id
      FROM users u
      JOIN api2_roles r ON r.tenant_id = u.tenant_id AND r.id = p_id
     CROSS JOIN LATERAL (SELECT coalesce(array_agg(o.permission ORDER BY o.permission), '{}') AS cur
                           FROM api2_role_permissions o
                          WHERE o.tenant_id = r.tenant_id AND o.role_id = r.id) c
     WHERE u.tenant_id = rd_tenant() AND u.id = rd_user() AND u.is_admin
       -- a scalar subquery, not a join: 12 k less
       AND NOT (SELECT t.read_only FROM tenants t WHERE t.id = u.tenant_id)
    $$;

CREATE OR REPLACE FUNCTION rd_api2_roles_add_permissions(p_id text, p_permissions jsonb) RETURNS text
    LANGUAGE sql
    AS $$ SELECT rd_api2_roles_change_permissions(p_id, p_permissions, true, NULL) $$;

CREATE OR REPLACE FUNCTION rd_api2_roles_remove_permissions(p_id text, p_permissions jsonb) RETURNS text
    LANGUAGE sql
    AS $$ SELECT rd_api2_roles_change_permissions(p_id, p_permissions, false, NULL) $$;

-- ---------------------------------------------------------------------------------------------------------
-- Roles: deletion refuses roles still used by memberships (0003's body, last defined there, plus that check)
-- ---------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION rd_api2_roles_delete(p_id text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_parse_id(p_id);
    r api2_roles;
    used bigint;
BEGIN
    PERFORM rd_api2_require_admin();
    PERFORM rd_api2_require_writable();
    SELECT * INTO r FROM api2_roles x WHERE x.tenant_id = rd_tenant() AND x.id = v_id FOR UPDATE;
    IF r.id IS NULL THEN
        RETURN false;
    END IF;
    IF NOT r.deletable THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('deletable', 'this role cannot be deleted')));
    END IF;
    -- the role row is locked: a membership created after this count waits for us and then fails its FK
    SELECT count(*) INTO used FROM api2_memberships m WHERE m.tenant_id = r.tenant_id AND m.role_id = r.id;
    IF used > 0 THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('id',
            format('role is used by %s memberships', used))));
    END IF;
    DELETE FROM api2_roles x WHERE x.tenant_id = r.tenant_id AND x.id = r.id;
    RETURN true;
END $$;
