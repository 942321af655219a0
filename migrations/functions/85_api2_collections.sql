-- api2 collections, groups, users and memberships: the collection tree and the effective permissions held
-- through it (README, "api2 collections"; the tables are migrations/0018_api2_collections.sql).
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").
-- ---------------------------------------------------------------------------------------------------------
-- Seed and the tenant command
-- ---------------------------------------------------------------------------------------------------------

-- My Site and the two built-in groups of a tenant; idempotent. Runs as the owner (rd_tenant_create).
CREATE OR REPLACE FUNCTION rd_api2_collections_seed(p_tenant bigint) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO api2_collections (tenant_id, slug, display_name, inherit_memberships)
    SELECT p_tenant, 'my-site', 'My Site', false
     WHERE NOT EXISTS (SELECT 1 FROM api2_collections c WHERE c.tenant_id = p_tenant AND c.parent_id IS NULL);
    INSERT INTO api2_groups (tenant_id, display_name, builtin)
    SELECT p_tenant, b.display_name, b.builtin
      FROM (VALUES (1, 'Public', 'public'), (2, 'Registered Users', 'registered')) b (n, display_name, builtin)
     WHERE NOT EXISTS (SELECT 1 FROM api2_groups g WHERE g.tenant_id = p_tenant AND g.builtin = b.builtin)
     ORDER BY b.n;
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- Effective permissions
-- ---------------------------------------------------------------------------------------------------------

-- Whether p_user (NULL: anonymous) is an active Administrator user of the current tenant.
CREATE OR REPLACE FUNCTION rd_api2_is_admin(p_user bigint) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN p_user IS NOT NULL AND coalesce((SELECT u.is_admin FROM users u
                                             WHERE u.tenant_id = rd_tenant() AND u.id = p_user
                                               AND u.workflow_state = 'active'), false);
END $$;

-- The groups p_user belongs to: Public always, Registered Users when signed in, and their explicit groups.
CREATE OR REPLACE FUNCTION rd_api2_user_groups(p_user bigint) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN ARRAY(SELECT g.id FROM api2_groups g
                  WHERE g.tenant_id = rd_tenant()
                    AND (g.builtin = 'public' OR (g.builtin = 'registered' AND p_user IS NOT NULL))
                 UNION
                 SELECT gu.group_id FROM api2_group_users gu
                  WHERE gu.tenant_id = rd_tenant() AND gu.user_id = p_user);
END $$;

-- perms(U, C) for every C of p_ids (api2-collections.md §2), upwards: from each collection along its parent
-- chain while the collection on it inherits, the memberships held there by p_user or one of p_groups
-- (rd_api2_user_groups(p_user)), the union of their roles' permissions, sorted. Administrator users are not
-- special here (callers decide that). Ids that are no collection of the tenant give no row. A cycle in
-- parent_id stops the walk (CYCLE), so forged data cannot hang it.
CREATE OR REPLACE FUNCTION rd_api2_perms_of(p_user bigint, p_groups bigint[], p_ids bigint[])
    RETURNS TABLE (collection_id bigint, permissions text[])
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE chain (start, id, parent_id, inherit) AS (
        SELECT c.id, c.id, c.parent_id, c.inherit_memberships
          FROM api2_collections c WHERE c.tenant_id = rd_tenant() AND c.id = ANY (p_ids)
        UNION ALL
        SELECT ch.start, c.id, c.parent_id, c.inherit_memberships
          FROM chain ch JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = ch.parent_id
         WHERE ch.inherit
    ) CYCLE id SET is_cycle USING path,
    held (start, role_id) AS (
        SELECT ch.start, m.role_id FROM chain ch
          JOIN api2_memberships m ON m.tenant_id = rd_tenant() AND m.collection_id = ch.id AND m.user_id = p_user
         WHERE NOT ch.is_cycle
        UNION
        SELECT ch.start, m.role_id FROM chain ch
          JOIN api2_memberships m ON m.tenant_id = rd_tenant() AND m.collection_id = ch.id
                                 AND m.group_id = ANY (p_groups)
         WHERE NOT ch.is_cycle
    )
    SELECT ch.start,
           ARRAY(SELECT DISTINCT rp.permission FROM held h
                   JOIN api2_role_permissions rp ON rp.tenant_id = rd_tenant() AND rp.role_id = h.role_id
                  WHERE h.start = ch.start ORDER BY 1)
      FROM chain ch WHERE ch.start = ch.id AND NOT ch.is_cycle
    $$;

-- The same, for p_user's own groups; Administrator users hold every permission.
CREATE OR REPLACE FUNCTION rd_api2_perms(p_user bigint, p_ids bigint[])
    RETURNS TABLE (collection_id bigint, permissions text[])
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_api2_is_admin(p_user) THEN
        RETURN QUERY SELECT c.id, ARRAY(SELECT p.name FROM api2_permissions p ORDER BY p.name)
                       FROM api2_collections c WHERE c.tenant_id = rd_tenant() AND c.id = ANY (p_ids);
        RETURN;
    END IF;
    RETURN QUERY SELECT * FROM rd_api2_perms_of(p_user, rd_api2_user_groups(p_user), p_ids);
END $$;

-- Downwards: every collection where p_user (with p_groups) holds at least one permission, and perms(U, C)
-- there. Starts at the collections holding a membership of one of the principals and goes to the children
-- that inherit. (collection, role) pairs are a set (UNION), so a cycle ends the walk.
CREATE OR REPLACE FUNCTION rd_api2_reach_of(p_user bigint, p_groups bigint[])
    RETURNS TABLE (collection_id bigint, permissions text[])
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE down (id, role_id) AS (
        SELECT m.collection_id, m.role_id FROM api2_memberships m
         WHERE m.tenant_id = rd_tenant() AND m.user_id = p_user
        UNION
        SELECT m.collection_id, m.role_id FROM api2_memberships m
         WHERE m.tenant_id = rd_tenant() AND m.group_id = ANY (p_groups)
        UNION
        SELECT c.id, d.role_id FROM down d
          JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.parent_id = d.id
         WHERE c.inherit_memberships
    )
    SELECT d.id, array_agg(DISTINCT rp.permission ORDER BY rp.permission)
      FROM down d JOIN api2_role_permissions rp ON rp.tenant_id = rd_tenant() AND rp.role_id = d.role_id
     GROUP BY d.id
    $$;

-- The collections p_user may see that hold p_perm too (NULL: just visible), with perms(U, C). Administrator
-- users see every collection with every permission.
CREATE OR REPLACE FUNCTION rd_api2_visible(p_user bigint, p_perm text)
    RETURNS TABLE (collection_id bigint, permissions text[])
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_api2_is_admin(p_user) THEN
        RETURN QUERY SELECT c.id, ARRAY(SELECT p.name FROM api2_permissions p ORDER BY p.name)
                       FROM api2_collections c WHERE c.tenant_id = rd_tenant();
        RETURN;
    END IF;
    RETURN QUERY SELECT r.collection_id, r.permissions FROM rd_api2_reach_of(p_user, rd_api2_user_groups(p_user)) r
                  WHERE 'collection-read' = ANY (r.permissions) AND (p_perm IS NULL OR p_perm = ANY (r.permissions));
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------------------------------------------

-- The caller must be signed in (RDU01 -> 401).
CREATE OR REPLACE FUNCTION rd_api2_require_user() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'Authentication required: send an Authorization: Bearer token' USING ERRCODE = 'RDU01';
    END IF;
END $$;

-- Administrator users only (groups writes, group members, users).
CREATE OR REPLACE FUNCTION rd_api2_require_admin_user() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    PERFORM rd_api2_require_user();
    IF NOT rd_api2_is_admin(rd_user()) THEN
        RAISE EXCEPTION 'Only Administrator users may do this' USING ERRCODE = 'RD403';
    END IF;
END $$;

-- The 403 for a missing collection permission names it (api2-collections.md §4); an anonymous caller is
-- told to sign in instead (401).
CREATE OR REPLACE FUNCTION rd_api2_deny(p_perm text, p_collection bigint, p_message text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'Authentication required: send an Authorization: Bearer token' USING ERRCODE = 'RDU01';
    END IF;
    RAISE EXCEPTION '%', coalesce(p_message, format('You need the %s permission on this collection', p_perm))
        USING ERRCODE = 'RD403',
              DETAIL = json_build_object('permission', p_perm, 'collection_id', p_collection::text)::text;
END $$;

-- The caller's permissions on one collection; NULL when there is no such collection in the tenant.
CREATE OR REPLACE FUNCTION rd_api2_my_perms(p_collection bigint) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT p.permissions FROM rd_api2_perms(rd_user(), ARRAY[p_collection]) p);
END $$;

-- An id in a request value: a JSON string of digits or a non-negative integer, within bigint; else NULL.
CREATE OR REPLACE FUNCTION rd_api2_json_id(p_value jsonb) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN jsonb_typeof(p_value) IN ('string', 'number') THEN rd_api2_parse_id(p_value #>> '{}') END
    $$;

-- A boolean request value: JSON true/false or the strings true/false/1/0 (any case). NULL stays NULL.
CREATE OR REPLACE FUNCTION rd_api2_bool_value(p_value jsonb, p_field text, INOUT p_errors jsonb, OUT val boolean)
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p_value IS NULL THEN
        RETURN;
    ELSIF jsonb_typeof(p_value) = 'boolean' THEN
        val := p_value::text::boolean;
    ELSIF jsonb_typeof(p_value) IN ('string', 'number') AND lower(p_value #>> '{}') IN ('true', '1') THEN
        val := true;
    ELSIF jsonb_typeof(p_value) IN ('string', 'number') AND lower(p_value #>> '{}') IN ('false', '0') THEN
        val := false;
    ELSE
        p_errors := p_errors || rd_api2_error(p_field, 'must be true or false');
    END IF;
END $$;

-- A display_name request value: a non-blank string of at most 255 characters, stripped.
CREATE OR REPLACE FUNCTION rd_api2_name_value(p_value jsonb, p_required boolean, INOUT p_errors jsonb,
                                              OUT name text)
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p_value IS NULL THEN
        IF p_required THEN
            p_errors := p_errors || rd_api2_error('display_name', 'is required');
        END IF;
    ELSIF jsonb_typeof(p_value) = 'null' THEN
        p_errors := p_errors || rd_api2_error('display_name', 'can''t be blank');
    ELSIF jsonb_typeof(p_value) <> 'string' THEN
        p_errors := p_errors || rd_api2_error('display_name', 'must be a string');
    ELSE
        name := rd_strip_space(p_value #>> '{}');
        IF name = '' THEN
            p_errors := p_errors || rd_api2_error('display_name', 'can''t be blank');
            name := NULL;
        ELSIF length(name) > 255 THEN
            p_errors := p_errors || rd_api2_error('display_name', 'is too long (maximum is 255 characters)');
            name := NULL;
        END IF;
    END IF;
END $$;

-- HTML to plain text: tags removed, the common named entities and numeric references decoded in one pass
-- over the text, so what one reference decodes to is never read as another (&#38;lt; is "&lt;", not "<").
-- A reference that names no character (&#0;, a surrogate, past U+10FFFF) or an unknown name stays as it is.
-- A tag is what an HTML parser takes for one: '<' then a letter (a start tag, whose quoted attribute values may
-- hold '>'), '/' (an end tag), '!' (a comment or declaration) or '?'. Any other '<' is text: "1 < 2 and 3 > 2"
-- keeps every character.
CREATE OR REPLACE FUNCTION rd_api2_plain(p_html text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN p_html IS NOT NULL THEN coalesce((
        SELECT string_agg(CASE
                   WHEN t.m[2] IS NOT NULL AND t.m[2]::int BETWEEN 1 AND 1114111
                        AND NOT t.m[2]::int BETWEEN 55296 AND 57343 THEN chr(t.m[2]::int)
                   WHEN t.m[3] IS NOT NULL AND ('x' || lpad(t.m[3], 8, '0'))::bit(32)::int BETWEEN 1 AND 1114111
                        AND NOT ('x' || lpad(t.m[3], 8, '0'))::bit(32)::int BETWEEN 55296 AND 57343
                        THEN chr(('x' || lpad(t.m[3], 8, '0'))::bit(32)::int)
                   WHEN t.m[4] = 'amp' THEN '&'
                   WHEN t.m[4] = 'lt' THEN '<'
                   WHEN t.m[4] = 'gt' THEN '>'
                   WHEN t.m[4] = 'quot' THEN '"'
                   WHEN t.m[4] = 'apos' THEN ''''
                   WHEN t.m[4] = 'nbsp' THEN chr(160)
                   ELSE t.m[1] END, '' ORDER BY t.n)
          FROM regexp_matches(regexp_replace(p_html,
                                             $r$<(?:[A-Za-z][^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*|[/!?][^>]*)>$r$, '',
                                             'g'),
                              '(&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));|[^&]+|&)', 'g')
               WITH ORDINALITY AS t (m, n)), '') END
    $$;

-- A slug made from a display name: lower-case ASCII letters and digits, other runs as one '-'.
CREATE OR REPLACE FUNCTION rd_api2_slugify(p_name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT coalesce(NULLIF(left(btrim(regexp_replace(lower(p_name), '[^a-z0-9]+', '-', 'g'), '-'), 200), ''),
                    'collection')
    $$;

-- The first free slug of base, base-2, base-3, ... in the tenant (other than p_self's own).
CREATE OR REPLACE FUNCTION rd_api2_free_slug(p_base text, p_self bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    n int := 1;
    s text := p_base;
BEGIN
    WHILE EXISTS (SELECT 1 FROM api2_collections c WHERE c.tenant_id = rd_tenant() AND c.slug = s
                     AND c.id IS DISTINCT FROM p_self) LOOP
        n := n + 1;
        s := p_base || '-' || n;
    END LOOP;
    RETURN s;
END $$;

-- {"id": "<id>", "display_name": <name>} as compact text: the collection, role, user and group references
-- of a membership and of explain. NULL when p_id is NULL.
CREATE OR REPLACE FUNCTION rd_api2_ref_json(p_id bigint, p_name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN p_id IS NOT NULL
                THEN '{"id":' || to_json(p_id::text)::text || ',"display_name":' || coalesce(to_json(p_name)::text, 'null')
                     || '}' END
    $$;

-- The Collection object (api2-collections.md §1) as compact JSON text, keys in the documented order.
CREATE OR REPLACE FUNCTION rd_api2_collection_json(c api2_collections) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT '{"id":' || to_json(c.id::text)::text
        || ',"parent_id":' || coalesce(to_json(c.parent_id::text)::text, 'null')
        || ',"slug":' || to_json(c.slug)::text
        || ',"display_name":' || to_json(c.display_name)::text
        || ',"description":' || coalesce(to_json(c.description)::text, 'null')
        || ',"description_plain":' || coalesce(to_json(c.description_plain)::text, 'null')
        || ',"inherit_memberships":' || c.inherit_memberships::text
        || ',"is_podcast":' || c.is_podcast::text
        || ',"created_on":' || to_json(rd_iso(c.created_on))::text
        || ',"modified_on":' || to_json(rd_iso(c.modified_on))::text
        || ',"links":{"self":' || to_json('/api2/collections/' || c.id)::text
        || ',"parent":' || coalesce(to_json('/api2/collections/' || c.parent_id)::text, 'null')
        || ',"memberships":' || to_json('/api2/memberships?collection_id=' || c.id)::text || '}}'
    $$;

-- The collection with that URL id if the caller may see it (collection-read), locked FOR UPDATE when p_lock,
-- and the caller's permissions there. RD404 otherwise: an invisible collection does not exist for the caller.
CREATE OR REPLACE FUNCTION rd_api2_collection_find(p_id text, p_lock boolean, OUT c api2_collections,
                                                   OUT perms text[])
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_parse_id(p_id);
BEGIN
    IF v_id IS NOT NULL THEN
        IF p_lock THEN
            SELECT * INTO c FROM api2_collections x WHERE x.tenant_id = rd_tenant() AND x.id = v_id FOR UPDATE;
        ELSE
            SELECT * INTO c FROM api2_collections x WHERE x.tenant_id = rd_tenant() AND x.id = v_id;
        END IF;
    END IF;
    IF c.id IS NOT NULL THEN
        perms := rd_api2_my_perms(c.id);
    END IF;
    IF c.id IS NULL OR NOT 'collection-read' = ANY (perms) THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
END $$;

-- A collection id in a request body (parent_id, collection_id): the visible collection, or an error entry
-- for p_field ("is required" when absent and p_required, "not found" when unknown or invisible).
CREATE OR REPLACE FUNCTION rd_api2_collection_ref(p_value jsonb, p_field text, p_required boolean,
                                                  INOUT p_errors jsonb, OUT c api2_collections,
                                                  OUT perms text[])
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_json_id(p_value);
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        IF p_required THEN
            p_errors := p_errors || rd_api2_error(p_field, 'is required');
        END IF;
        RETURN;
    END IF;
    IF v_id IS NOT NULL THEN
        SELECT * INTO c FROM api2_collections x WHERE x.tenant_id = rd_tenant() AND x.id = v_id;
        IF c.id IS NOT NULL THEN
            perms := rd_api2_my_perms(c.id);
        END IF;
    END IF;
    IF c.id IS NULL OR NOT 'collection-read' = ANY (perms) THEN
        p_errors := p_errors || rd_api2_error(p_field, 'collection not found');
        c := NULL;
        perms := NULL;
    END IF;
END $$;

-- The 422 entry for a foreign key a write failed on: what the request named was deleted by a concurrent
-- request after it was checked (the write waited for that request's lock, then found it gone). Same field and
-- message as the check gives for an unknown id.
CREATE OR REPLACE FUNCTION rd_api2_gone(p_constraint text) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE
               WHEN p_constraint LIKE '%\_parent\_id\_fkey' THEN rd_api2_error('parent_id', 'collection not found')
               WHEN p_constraint LIKE '%\_collection\_id\_fkey' THEN rd_api2_error('collection_id', 'collection not found')
               WHEN p_constraint LIKE '%\_role\_id\_fkey' THEN rd_api2_error('role_id', 'role not found')
               WHEN p_constraint LIKE '%\_user\_id\_fkey' THEN rd_api2_error('user_id', 'user not found')
               WHEN p_constraint LIKE '%\_group\_id\_fkey' THEN rd_api2_error('group_id', 'group not found')
               ELSE rd_api2_error('id', 'not found')
           END
    $$;

-- Serialises tree changes (moves, creates under a parent, deletes) of one tenant until commit, so that two
-- concurrent moves cannot together make a cycle.
CREATE OR REPLACE FUNCTION rd_api2_tree_lock() RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_advisory_xact_lock(hashtextextended('rolesd api2 collection tree', rd_tenant())) $$;

-- Whether p_ancestor is p_id or one of its ancestors (whole parent chain, cycle-safe).
CREATE OR REPLACE FUNCTION rd_api2_is_ancestor(p_ancestor bigint, p_id bigint) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (
        WITH RECURSIVE up (id, parent_id) AS (
            SELECT c.id, c.parent_id FROM api2_collections c WHERE c.tenant_id = rd_tenant() AND c.id = p_id
            UNION ALL
            SELECT c.id, c.parent_id FROM up JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = up.parent_id
        ) CYCLE id SET is_cycle USING path
        SELECT 1 FROM up WHERE up.id = p_ancestor);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Collections: endpoints
-- ---------------------------------------------------------------------------------------------------------

-- The list filters (api2-collections.md §3) validated; p_params is the request's parameter object.
CREATE OR REPLACE FUNCTION rd_api2_collection_filters(p_params jsonb, OUT parent bigint, OUT parent_given boolean,
                                                      OUT name text, OUT podcast boolean, OUT perm text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    errs jsonb := '[]';
    v jsonb;
BEGIN
    v := p_params -> 'parent_id';
    parent_given := v IS NOT NULL AND coalesce(v #>> '{}', '') <> '';
    IF parent_given THEN
        parent := rd_api2_json_id(v);
        IF parent IS NULL THEN
            errs := errs || rd_api2_error('parent_id', 'must be a collection id');
        END IF;
    END IF;
    v := p_params -> 'display_name';
    IF v IS NOT NULL AND jsonb_typeof(v) = 'string' THEN
        name := NULLIF(v #>> '{}', '');
    ELSIF v IS NOT NULL AND jsonb_typeof(v) <> 'null' THEN
        errs := errs || rd_api2_error('display_name', 'must be a string');
    END IF;
    v := p_params -> 'is_podcast';
    IF v IS NOT NULL AND coalesce(v #>> '{}', '') <> '' THEN
        SELECT b.p_errors, b.val INTO errs, podcast FROM rd_api2_bool_value(v, 'is_podcast', errs) b;
    END IF;
    v := p_params -> 'permission';
    IF v IS NOT NULL AND coalesce(v #>> '{}', '') <> '' THEN
        IF jsonb_typeof(v) <> 'string' THEN
            errs := errs || rd_api2_error('permission', 'must be a permission name');
        ELSIF NOT EXISTS (SELECT 1 FROM api2_permissions p WHERE p.name = v #>> '{}') THEN
            errs := errs || rd_api2_error('permission', format('unknown permission %s', to_json(left(v #>> '{}', 64))));
        ELSE
            perm := v #>> '{}';
        END IF;
    END IF;
    PERFORM rd_api2_raise_invalid(errs);
END $$;

-- The visible collections matching the filters, ordered by id: ids and their JSON.
CREATE OR REPLACE FUNCTION rd_api2_collections_matching(p_params jsonb)
    RETURNS TABLE (id bigint, parent_id bigint, body text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    f record;
BEGIN
    SELECT * INTO f FROM rd_api2_collection_filters(p_params);
    IF rd_api2_is_admin(rd_user()) THEN
        RETURN QUERY
        SELECT c.id, c.parent_id, rd_api2_collection_json(c) FROM api2_collections c
         WHERE c.tenant_id = rd_tenant()
           AND (NOT f.parent_given OR c.parent_id = f.parent)
           AND (f.name IS NULL OR c.display_name = f.name)
           AND (f.podcast IS NULL OR c.is_podcast = f.podcast)
         ORDER BY c.id;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT c.id, c.parent_id, rd_api2_collection_json(c)
      FROM rd_api2_visible(rd_user(), f.perm) v
      JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = v.collection_id
     WHERE (NOT f.parent_given OR c.parent_id = f.parent)
       AND (f.name IS NULL OR c.display_name = f.name)
       AND (f.podcast IS NULL OR c.is_podcast = f.podcast)
     ORDER BY c.id;
END $$;

-- GET /api2/collections: one page ordered by id and whether more follow. `total` is what the links need:
-- the items before this page, on it, and one more when a next page exists (no count of the whole set).
CREATE OR REPLACE FUNCTION rd_api2_collections_list(p_params jsonb, p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    f record;
    off bigint := (greatest(p_page, 1) - 1) * p_per_page;
    n bigint;
BEGIN
    SELECT * INTO f FROM rd_api2_collection_filters(p_params);
    IF rd_api2_is_admin(rd_user()) THEN
        -- every collection: walk the primary key in order and stop after the page
        SELECT count(*), '[' || coalesce(string_agg(y.body, ',' ORDER BY y.id) FILTER (WHERE y.k <= p_per_page), '') || ']'
          INTO n, items
          FROM (SELECT x.*, row_number() OVER (ORDER BY x.id) AS k FROM (
                SELECT c.id, rd_api2_collection_json(c) AS body
                  FROM api2_collections c
                 WHERE c.tenant_id = rd_tenant()
                   AND (NOT f.parent_given OR c.parent_id = f.parent)
                   AND (f.name IS NULL OR c.display_name = f.name)
                   AND (f.podcast IS NULL OR c.is_podcast = f.podcast)
                 ORDER BY c.id OFFSET off LIMIT p_per_page + 1) x) y;
    ELSE
        SELECT count(*), '[' || coalesce(string_agg(y.body, ',' ORDER BY y.id) FILTER (WHERE y.k <= p_per_page), '') || ']'
          INTO n, items
          FROM (SELECT x.*, row_number() OVER (ORDER BY x.id) AS k FROM (
                SELECT c.id, rd_api2_collection_json(c) AS body
                  FROM rd_api2_reach_of(rd_user(), rd_api2_user_groups(rd_user())) v
                  JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = v.collection_id
                 WHERE 'collection-read' = ANY (v.permissions) AND (f.perm IS NULL OR f.perm = ANY (v.permissions))
                   AND (NOT f.parent_given OR c.parent_id = f.parent)
                   AND (f.name IS NULL OR c.display_name = f.name)
                   AND (f.podcast IS NULL OR c.is_podcast = f.podcast)
                 ORDER BY c.id OFFSET off LIMIT p_per_page + 1) x) y;
    END IF;
    total := off + n;
    IF total = off AND off > 0 THEN
        -- an empty page past the end: count the set (the first `off` rows) so that prev is the last page
        SELECT l.total INTO total FROM rd_api2_collections_list(p_params, 1, least(off, 2147483646)::int) l;
    END IF;
    RETURN NEXT;
END $$;

-- GET /api2/collections/tree: the visible collections matching the filters as a flat JSON array ordered by id,
-- each with "children":[]; C nests them (a node whose parent is not in the answer is a top node).
CREATE OR REPLACE FUNCTION rd_api2_collections_tree(p_params jsonb) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT '[' || coalesce(string_agg(rtrim(m.body, '}') || '},"children":[]}', ',' ORDER BY m.id), '') || ']'
              FROM rd_api2_collections_matching(p_params) m);
END $$;

-- GET /api2/collections/:id
CREATE OR REPLACE FUNCTION rd_api2_collections_get(p_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT rd_api2_collection_json(f.c) FROM rd_api2_collection_find(p_id, false) f);
END $$;

-- The writable fields of a collection from a request (create, PUT, PATCH/POST): validated, every error at
-- once. p_base is the collection as it is (NULL on create); for PUT (p_replace) absent fields take their
-- create defaults, except slug and parent_id which stay, and My Site's inherit_memberships, always false.
CREATE OR REPLACE FUNCTION rd_api2_collection_fields(p_params jsonb, p_base api2_collections, p_replace boolean,
                                                     INOUT p_errors jsonb, OUT r api2_collections)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v jsonb;
    nm text;
    b boolean;
BEGIN
    r := p_base;
    IF p_base.id IS NULL OR p_replace THEN
        r.description := NULL;
        r.inherit_memberships := true;
        r.is_podcast := false;
    END IF;
    SELECT n.p_errors, n.name INTO p_errors, nm
      FROM rd_api2_name_value(p_params -> 'display_name', p_base.id IS NULL OR p_replace, p_errors) n;
    r.display_name := coalesce(nm, r.display_name);
    v := p_params -> 'slug';
    IF v IS NOT NULL AND jsonb_typeof(v) <> 'null' THEN
        IF jsonb_typeof(v) <> 'string' OR v #>> '{}' !~ '^[a-z0-9-]+$' THEN
            p_errors := p_errors || rd_api2_error('slug', 'may contain only lower-case letters, digits and -');
        ELSIF length(v #>> '{}') > 255 THEN
            p_errors := p_errors || rd_api2_error('slug', 'is too long (maximum is 255 characters)');
        ELSIF EXISTS (SELECT 1 FROM api2_collections c WHERE c.tenant_id = rd_tenant() AND c.slug = v #>> '{}'
                         AND c.id IS DISTINCT FROM p_base.id) THEN
            p_errors := p_errors || rd_api2_error('slug', 'has already been taken');
        ELSE
            r.slug := v #>> '{}';
        END IF;
    END IF;
    v := p_params -> 'description';
    IF v IS NOT NULL THEN
        IF jsonb_typeof(v) = 'null' THEN
            r.description := NULL;
        ELSIF jsonb_typeof(v) <> 'string' THEN
            p_errors := p_errors || rd_api2_error('description', 'must be a string');
        ELSIF length(v #>> '{}') > 65535 THEN
            p_errors := p_errors || rd_api2_error('description', 'is too long (maximum is 65535 characters)');
        ELSE
            -- blank fields are null (api2-roles.md §1): an empty or whitespace-only description is none
            r.description := CASE WHEN NOT rd_canvas_blank(v #>> '{}') THEN v #>> '{}' END;
        END IF;
    END IF;
    -- and so is a plain text with nothing but whitespace left once the tags are gone ("<p></p>", "<br>")
    r.description_plain := CASE WHEN NOT rd_canvas_blank(rd_api2_plain(r.description))
                                THEN rd_api2_plain(r.description) END;
    SELECT x.p_errors, x.val INTO p_errors, b FROM rd_api2_bool_value(p_params -> 'inherit_memberships',
                                                                     'inherit_memberships', p_errors) x;
    IF p_base.id IS NOT NULL AND p_base.parent_id IS NULL THEN
        -- My Site has no parent to inherit from: it keeps inherit_memberships false (a PUT without the field too)
        IF b THEN
            p_errors := p_errors || rd_api2_error('inherit_memberships', 'My Site has no parent to inherit from');
        END IF;
        r.inherit_memberships := false;
    ELSE
        r.inherit_memberships := coalesce(b, r.inherit_memberships);
    END IF;
    b := NULL;
    SELECT x.p_errors, x.val INTO p_errors, b FROM rd_api2_bool_value(p_params -> 'is_podcast', 'is_podcast',
                                                                     p_errors) x;
    r.is_podcast := coalesce(b, r.is_podcast);
END $$;

-- POST /api2/collections: collection-create on the parent; (id, body) for Location and the answer.
CREATE OR REPLACE FUNCTION rd_api2_collections_create(p_params jsonb) RETURNS TABLE (id bigint, body text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    con text;
    ret record;
    errs jsonb := '[]';
    parent api2_collections;
    pperms text[];
    r api2_collections;
BEGIN
    PERFORM rd_api2_require_writable();
    ret := rd_api2_collection_ref(p_params -> 'parent_id', 'parent_id', true, errs);
    errs := ret.p_errors; parent := ret.c; pperms := ret.perms;
    IF parent.id IS NOT NULL AND NOT 'collection-create' = ANY (pperms) THEN
        PERFORM rd_api2_deny('collection-create', parent.id);
    END IF;
    ret := rd_api2_collection_fields(p_params, NULL, false, errs);
    errs := ret.p_errors; r := ret.r;
    PERFORM rd_api2_raise_invalid(errs);
    PERFORM rd_api2_tree_lock();
    BEGIN
        INSERT INTO api2_collections (tenant_id, parent_id, slug, display_name, description, description_plain,
                                      inherit_memberships, is_podcast)
        VALUES (rd_tenant(), parent.id, coalesce(r.slug, rd_api2_free_slug(rd_api2_slugify(r.display_name), NULL)),
                r.display_name, r.description, r.description_plain, r.inherit_memberships, r.is_podcast)
        RETURNING * INTO r;
    EXCEPTION WHEN unique_violation THEN
        -- a concurrent write took the given slug between the check and the insert (a PATCH of a slug does
        -- not take the tree lock)
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('slug', 'has already been taken')));
    WHEN foreign_key_violation THEN
        GET STACKED DIAGNOSTICS con = CONSTRAINT_NAME;
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_gone(con)));
    END;
    id := r.id;
    body := rd_api2_collection_json(r);
    RETURN NEXT;
END $$;

-- PUT / PATCH / POST /api2/collections/:id (p_replace for PUT): collection-update; a changed parent_id is a
-- move: collection-move on C, collection-create on the new parent, never under C itself or a descendant, and
-- never for My Site.
CREATE OR REPLACE FUNCTION rd_api2_collections_update(p_id text, p_params jsonb, p_replace boolean) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    ret record;
    errs jsonb := '[]';
    cur api2_collections;
    perms text[];
    parent api2_collections;
    pperms text[];
    r api2_collections;
    moving boolean := false;
BEGIN
    PERFORM rd_api2_require_writable();
    -- a possible move takes the tree lock before the collection's row lock, in the order every tree change
    -- (delete, move) takes them: a move onto a parent being deleted then waits instead of deadlocking
    IF p_params ? 'parent_id' THEN
        PERFORM rd_api2_tree_lock();
    END IF;
    ret := rd_api2_collection_find(p_id, true);
    cur := ret.c; perms := ret.perms;
    IF NOT 'collection-update' = ANY (perms) THEN
        PERFORM rd_api2_deny('collection-update', cur.id);
    END IF;
    IF p_params ? 'parent_id' AND cur.parent_id IS NULL THEN
        IF coalesce(p_params ->> 'parent_id', '') <> '' THEN
            errs := errs || rd_api2_error('parent_id', 'My Site cannot be moved');
        END IF;
    ELSIF p_params ? 'parent_id' AND rd_api2_json_id(p_params -> 'parent_id') IS DISTINCT FROM cur.parent_id THEN
        BEGIN
            moving := true;
            -- moves of one tenant one after the other: the ancestry read below stays true until commit
            PERFORM rd_api2_tree_lock();
            ret := rd_api2_collection_ref(p_params -> 'parent_id', 'parent_id', true, errs);
    errs := ret.p_errors; parent := ret.c; pperms := ret.perms;
            IF parent.id IS NOT NULL THEN
                IF NOT 'collection-move' = ANY (perms) THEN
                    PERFORM rd_api2_deny('collection-move', cur.id);
                END IF;
                IF NOT 'collection-create' = ANY (pperms) THEN
                    PERFORM rd_api2_deny('collection-create', parent.id);
                END IF;
                IF rd_api2_is_ancestor(cur.id, parent.id) THEN
                    errs := errs || rd_api2_error('parent_id', 'cannot move a collection under itself or a descendant');
                END IF;
            END IF;
        END;
    END IF;
    ret := rd_api2_collection_fields(p_params, cur, p_replace, errs);
    errs := ret.p_errors; r := ret.r;
    PERFORM rd_api2_raise_invalid(errs);
    IF moving THEN
        r.parent_id := parent.id;
    END IF;
    IF (r.parent_id, r.slug, r.display_name, r.description, r.inherit_memberships, r.is_podcast)
       IS DISTINCT FROM (cur.parent_id, cur.slug, cur.display_name, cur.description, cur.inherit_memberships,
                         cur.is_podcast) THEN
        BEGIN
            UPDATE api2_collections x
               SET parent_id = r.parent_id, slug = r.slug, display_name = r.display_name, description = r.description,
                   description_plain = r.description_plain, inherit_memberships = r.inherit_memberships,
                   is_podcast = r.is_podcast, modified_on = now()
             WHERE x.tenant_id = cur.tenant_id AND x.id = cur.id
            RETURNING * INTO r;
        EXCEPTION WHEN unique_violation THEN
            -- a concurrent write took the given slug between the check and the update
            PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('slug', 'has already been taken')));
        END;
    END IF;
    RETURN rd_api2_collection_json(r);
END $$;

-- DELETE /api2/collections/:id: collection-delete; 422 while it has sub-collections, and for My Site; its
-- memberships go with it. An unknown (or invisible) id is already deleted: false.
CREATE OR REPLACE FUNCTION rd_api2_collections_delete(p_id text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    ret record;
    cur api2_collections;
    perms text[];
BEGIN
    PERFORM rd_api2_require_writable();
    -- the tree lock before the row lock, as a move takes them (see rd_api2_collections_update)
    PERFORM rd_api2_tree_lock();
    BEGIN
        ret := rd_api2_collection_find(p_id, true);
    cur := ret.c; perms := ret.perms;
    EXCEPTION WHEN SQLSTATE 'RD404' THEN
        RETURN false;
    END;
    IF NOT 'collection-delete' = ANY (perms) THEN
        PERFORM rd_api2_deny('collection-delete', cur.id);
    END IF;
    IF cur.parent_id IS NULL THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('id', 'My Site cannot be deleted')));
    END IF;
    IF EXISTS (SELECT 1 FROM api2_collections c WHERE c.tenant_id = cur.tenant_id AND c.parent_id = cur.id) THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('id', 'collection has sub-collections')));
    END IF;
    DELETE FROM api2_collections c WHERE c.tenant_id = cur.tenant_id AND c.id = cur.id;
    RETURN true;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Checks and explain (api2-collections.md §4)
-- ---------------------------------------------------------------------------------------------------------

-- The user a check is about: the caller, or ?user_id= when the caller is an Administrator user or holds
-- collection-share on the collection. An unknown user_id is a 422.
CREATE OR REPLACE FUNCTION rd_api2_check_subject(p_user jsonb, p_collection bigint, p_perms text[])
    RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_user IS NULL OR coalesce(p_user #>> '{}', '') = '' THEN
        RETURN rd_user();
    END IF;
    v_id := rd_api2_json_id(p_user);
    IF v_id IS NOT DISTINCT FROM rd_user() THEN
        RETURN v_id;
    END IF;
    IF NOT (rd_api2_is_admin(rd_user()) OR 'collection-share' = ANY (p_perms)) THEN
        PERFORM rd_api2_deny('collection-share', p_collection);
    END IF;
    IF v_id IS NULL OR NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = v_id
                                     AND u.workflow_state = 'active') THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('user_id', 'user not found')));
    END IF;
    RETURN v_id;
END $$;

-- GET /api2/collections/:id/permissions[?user_id=]
CREATE OR REPLACE FUNCTION rd_api2_collections_permissions(p_id text, p_user jsonb) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ret record;
    cur api2_collections;
    perms text[];
    subject bigint;
BEGIN
    ret := rd_api2_collection_find(p_id, false);
    cur := ret.c; perms := ret.perms;
    subject := rd_api2_check_subject(p_user, cur.id, perms);
    -- the caller's own set was just computed to find the collection: computed again only for another user
    IF subject IS DISTINCT FROM rd_user() THEN
        perms := coalesce((SELECT p.permissions FROM rd_api2_perms(subject, ARRAY[cur.id]) p), '{}');
    END IF;
    RETURN '{"collection_id":' || to_json(cur.id::text)::text || ',"user_id":' || coalesce(to_json(subject::text)::text, 'null')
        || ',"permissions":' || array_to_json(coalesce(perms, '{}'))::text || '}';
END $$;

-- GET /api2/collections/:id/permissions/:permission/explain[?user_id=]: why the user holds the permission
-- there or not, and what would grant it.
CREATE OR REPLACE FUNCTION rd_api2_collections_explain(p_id text, p_permission text, p_user jsonb) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ret record;
    cur api2_collections;
    perms text[];
    subject bigint;
    groups bigint[];
    chain text;
    ms text;
    would text;
    admin boolean;
    held text[];
BEGIN
    ret := rd_api2_collection_find(p_id, false);
    cur := ret.c; perms := ret.perms;
    -- the permission is part of the path: unknown is a 404, before the access rule on ?user_id= (403 / 422)
    IF NOT EXISTS (SELECT 1 FROM api2_permissions p WHERE p.name = p_permission) THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
    subject := rd_api2_check_subject(p_user, cur.id, perms);
    admin := rd_api2_is_admin(subject);
    groups := rd_api2_user_groups(subject);
    held := (SELECT p.permissions FROM rd_api2_perms(subject, ARRAY[cur.id]) p);
    -- compact text with keys in the documented order, as every api2 object (jsonb would sort the keys)
    WITH RECURSIVE up (id, parent_id, inherit, depth) AS (
        SELECT c.id, c.parent_id, c.inherit_memberships, 0
          FROM api2_collections c WHERE c.tenant_id = rd_tenant() AND c.id = cur.id
        UNION ALL
        SELECT c.id, c.parent_id, c.inherit_memberships, up.depth + 1
          FROM up JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = up.parent_id
         WHERE up.inherit
    ) CYCLE id SET is_cycle USING path,
    ch AS (SELECT up.id, up.inherit, up.depth, c.display_name FROM up
             JOIN api2_collections c ON c.tenant_id = rd_tenant() AND c.id = up.id WHERE NOT up.is_cycle),
    m AS (
        SELECT ch.depth, x.id, x.collection_id, ch.display_name AS collection_name, x.role_id, x.user_id, x.group_id
          FROM ch JOIN api2_memberships x ON x.tenant_id = rd_tenant() AND x.collection_id = ch.id
         WHERE x.user_id = subject OR x.group_id = ANY (groups)
    )
    SELECT (SELECT coalesce(string_agg('{"id":' || to_json(ch.id::text)::text
                                       || ',"display_name":' || to_json(ch.display_name)::text
                                       || ',"inherit_memberships":' || ch.inherit::text || '}', ',' ORDER BY ch.depth),
                            '')
              FROM ch),
           (SELECT coalesce(string_agg('{"id":' || to_json(m.id::text)::text
                       || ',"collection":' || rd_api2_ref_json(m.collection_id, m.collection_name)
                       || ',"direct":' || (m.depth = 0)::text
                       || ',"via":' || CASE WHEN m.user_id IS NOT NULL THEN '"user"' ELSE '"group"' END
                       || ',"group":' || coalesce(rd_api2_ref_json(g.id, g.display_name), 'null')
                       || ',"role":' || rd_api2_ref_json(r.id, r.display_name)
                       || ',"grants":' || EXISTS (SELECT 1 FROM api2_role_permissions rp WHERE rp.tenant_id = rd_tenant()
                                                     AND rp.role_id = r.id AND rp.permission = p_permission)::text
                       || '}', ',' ORDER BY m.depth, m.id), '')
              FROM m JOIN api2_roles r ON r.tenant_id = rd_tenant() AND r.id = m.role_id
              LEFT JOIN api2_groups g ON g.tenant_id = rd_tenant() AND g.id = m.group_id),
           (SELECT coalesce(string_agg(rd_api2_ref_json(ch.id, ch.display_name), ',' ORDER BY ch.depth), '') FROM ch)
      INTO chain, ms, would;
    RETURN '{"collection_id":' || to_json(cur.id::text)::text
        || ',"user_id":' || coalesce(to_json(subject::text)::text, 'null')
        || ',"permission":' || to_json(p_permission)::text
        || ',"granted":' || (admin OR p_permission = ANY (coalesce(held, '{}')))::text
        || ',"is_admin":' || admin::text
        || ',"chain":[' || chain || ']'
        || ',"memberships":[' || ms || ']'
        || ',"would_grant":{"roles":['
        || coalesce((SELECT string_agg(rd_api2_ref_json(r.id, r.display_name), ',' ORDER BY r.id)
                       FROM api2_roles r WHERE r.tenant_id = rd_tenant()
                        AND EXISTS (SELECT 1 FROM api2_role_permissions rp WHERE rp.tenant_id = r.tenant_id
                                       AND rp.role_id = r.id AND rp.permission = p_permission)), '')
        || '],"collections":[' || would || ']}}';
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Groups
-- ---------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION rd_api2_group_json(g api2_groups) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT '{"id":' || to_json(g.id::text)::text
        || ',"display_name":' || to_json(g.display_name)::text
        || ',"builtin":' || coalesce(to_json(g.builtin)::text, 'null')
        || ',"created_on":' || to_json(rd_iso(g.created_on))::text
        || ',"modified_on":' || to_json(rd_iso(g.modified_on))::text
        || ',"links":{"self":' || to_json('/api2/groups/' || g.id)::text
        || ',"users":' || to_json('/api2/groups/' || g.id || '/users')::text || '}}'
    $$;

CREATE OR REPLACE FUNCTION rd_api2_group_find(p_id text, p_lock boolean) RETURNS api2_groups
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_parse_id(p_id);
    g api2_groups;
BEGIN
    IF p_lock THEN
        SELECT * INTO g FROM api2_groups x WHERE x.tenant_id = rd_tenant() AND x.id = v_id FOR UPDATE;
    ELSE
        SELECT * INTO g FROM api2_groups x WHERE x.tenant_id = rd_tenant() AND x.id = v_id;
    END IF;
    IF g.id IS NULL THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
    RETURN g;
END $$;

-- GET /api2/groups[?user_id=]: any signed-in user. With user_id, the groups of that user, the built-in ones
-- included (every user is in Public and Registered Users).
CREATE OR REPLACE FUNCTION rd_api2_groups_list(p_params jsonb, p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v jsonb := p_params -> 'user_id';
    v_user bigint;
    off bigint := (greatest(p_page, 1) - 1) * p_per_page;
BEGIN
    PERFORM rd_api2_require_user();
    IF v IS NOT NULL AND coalesce(v #>> '{}', '') <> '' THEN
        v_user := rd_api2_json_id(v);
        IF v_user IS NULL OR NOT EXISTS (SELECT 1 FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = v_user) THEN
            PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('user_id', 'user not found')));
        END IF;
    END IF;
    WITH f AS (
        SELECT g FROM api2_groups g
         WHERE g.tenant_id = rd_tenant()
           AND (v_user IS NULL OR g.builtin IS NOT NULL
                OR EXISTS (SELECT 1 FROM api2_group_users gu WHERE gu.tenant_id = g.tenant_id AND gu.group_id = g.id
                              AND gu.user_id = v_user))
         ORDER BY g.id OFFSET off LIMIT p_per_page + 1
    ), n AS (SELECT f.g, row_number() OVER (ORDER BY (f.g).id) AS k FROM f)
    SELECT off + (SELECT count(*) FROM n),
           '[' || coalesce((SELECT string_agg(rd_api2_group_json(n.g), ',' ORDER BY (n.g).id) FROM n
                             WHERE n.k <= p_per_page), '') || ']'
      INTO total, items;
    IF total = off AND off > 0 THEN
        -- an empty page past the end: count the set (the first `off` rows) so that prev is the last page
        SELECT l.total INTO total FROM rd_api2_groups_list(p_params, 1, least(off, 2147483646)::int) l;
    END IF;
    RETURN NEXT;
END $$;

-- GET /api2/groups/:id: any signed-in user.
CREATE OR REPLACE FUNCTION rd_api2_groups_get(p_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    PERFORM rd_api2_require_user();
    RETURN rd_api2_group_json(rd_api2_group_find(p_id, false));
END $$;

-- A group display_name: valid and not taken (case-insensitive) by another group than p_self.
CREATE OR REPLACE FUNCTION rd_api2_group_name(p_value jsonb, p_required boolean, p_self bigint,
                                              INOUT p_errors jsonb, OUT name text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    SELECT n.p_errors, n.name INTO p_errors, name FROM rd_api2_name_value(p_value, p_required, p_errors) n;
    IF name IS NOT NULL AND EXISTS (SELECT 1 FROM api2_groups g WHERE g.tenant_id = rd_tenant()
                                       AND lower(g.display_name) = lower(name) AND g.id IS DISTINCT FROM p_self) THEN
        p_errors := p_errors || rd_api2_error('display_name', 'has already been taken');
        name := NULL;
    END IF;
END $$;

-- POST /api2/groups: Administrator users; (id, body).
CREATE OR REPLACE FUNCTION rd_api2_groups_create(p_params jsonb) RETURNS TABLE (id bigint, body text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs jsonb := '[]';
    v_name text;
    g api2_groups;
BEGIN
    PERFORM rd_api2_require_admin_user();
    PERFORM rd_api2_require_writable();
    SELECT n.p_errors, n.name INTO errs, v_name FROM rd_api2_group_name(p_params -> 'display_name', true, NULL, errs) n;
    PERFORM rd_api2_raise_invalid(errs);
    BEGIN
        INSERT INTO api2_groups (tenant_id, display_name) VALUES (rd_tenant(), v_name) RETURNING * INTO g;
    EXCEPTION WHEN unique_violation THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('display_name', 'has already been taken')));
    END;
    id := g.id;
    body := rd_api2_group_json(g);
    RETURN NEXT;
END $$;

-- PATCH / POST /api2/groups/:id: Administrator users; a built-in group cannot be renamed.
CREATE OR REPLACE FUNCTION rd_api2_groups_update(p_id text, p_params jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs jsonb := '[]';
    v_name text;
    g api2_groups;
BEGIN
    PERFORM rd_api2_require_admin_user();
    PERFORM rd_api2_require_writable();
    g := rd_api2_group_find(p_id, true);
    SELECT n.p_errors, n.name INTO errs, v_name FROM rd_api2_group_name(p_params -> 'display_name', false, g.id, errs) n;
    IF g.builtin IS NOT NULL AND v_name IS NOT NULL AND v_name <> g.display_name THEN
        errs := errs || rd_api2_error('display_name', 'a built-in group cannot be renamed');
    END IF;
    PERFORM rd_api2_raise_invalid(errs);
    IF v_name IS NOT NULL AND v_name <> g.display_name THEN
        BEGIN
            UPDATE api2_groups x SET display_name = v_name, modified_on = now()
             WHERE x.tenant_id = g.tenant_id AND x.id = g.id RETURNING * INTO g;
        EXCEPTION WHEN unique_violation THEN
            PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('display_name', 'has already been taken')));
        END;
    END IF;
    RETURN rd_api2_group_json(g);
END $$;

-- DELETE /api2/groups/:id: Administrator users; its memberships go with it; built-in groups stay (422).
CREATE OR REPLACE FUNCTION rd_api2_groups_delete(p_id text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    g api2_groups;
BEGIN
    PERFORM rd_api2_require_admin_user();
    PERFORM rd_api2_require_writable();
    SELECT * INTO g FROM api2_groups x WHERE x.tenant_id = rd_tenant() AND x.id = rd_api2_parse_id(p_id) FOR UPDATE;
    IF g.id IS NULL THEN
        RETURN false;
    END IF;
    IF g.builtin IS NOT NULL THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('id', 'a built-in group cannot be deleted')));
    END IF;
    DELETE FROM api2_groups x WHERE x.tenant_id = g.tenant_id AND x.id = g.id;
    RETURN true;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Users (read-only: the tenant's users)
-- ---------------------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION rd_api2_user_json(u users) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT '{"id":' || to_json(u.id::text)::text
        || ',"is_admin":' || u.is_admin::text
        || ',"display_name":' || to_json(u.name)::text
        || ',"unique_id":' || coalesce(to_json(u.login_id)::text, 'null')
        || ',"email_address":null'
        || ',"created_on":' || to_json(rd_iso(u.created_at))::text
        || ',"modified_on":' || to_json(rd_iso(u.updated_at))::text
        || ',"links":{"self":' || to_json('/api2/users/' || u.id)::text
        || ',"groups":' || to_json('/api2/groups?user_id=' || u.id)::text || '}}'
    $$;

-- The active users matching p_params (is_admin, unique_id with % wildcards, group_id), ordered by id, one
-- page plus one; p_group (from GET /api2/groups/:id/users) restricts to that group's members.
CREATE OR REPLACE FUNCTION rd_api2_users_page(p_params jsonb, p_group api2_groups, p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    errs jsonb := '[]';
    v jsonb;
    v_admin boolean;
    v_unique text;
    g api2_groups := p_group;
    off bigint := (greatest(p_page, 1) - 1) * p_per_page;
BEGIN
    SELECT b.p_errors, b.val INTO errs, v_admin
      FROM rd_api2_bool_value(NULLIF(NULLIF(p_params -> 'is_admin', '""'), 'null'), 'is_admin', errs) b;
    v := p_params -> 'unique_id';
    IF v IS NOT NULL AND jsonb_typeof(v) = 'string' AND v #>> '{}' <> '' THEN
        v_unique := v #>> '{}';
    ELSIF v IS NOT NULL AND jsonb_typeof(v) NOT IN ('string', 'null') THEN
        errs := errs || rd_api2_error('unique_id', 'must be a string');
    END IF;
    v := p_params -> 'group_id';
    IF g.id IS NULL AND v IS NOT NULL AND coalesce(v #>> '{}', '') <> '' THEN
        SELECT * INTO g FROM api2_groups x WHERE x.tenant_id = rd_tenant() AND x.id = rd_api2_json_id(v);
        IF g.id IS NULL THEN
            errs := errs || rd_api2_error('group_id', 'group not found');
        END IF;
    END IF;
    PERFORM rd_api2_raise_invalid(errs);
    WITH f AS (
        SELECT u FROM users u
         WHERE u.tenant_id = rd_tenant() AND u.workflow_state = 'active'
           AND (v_admin IS NULL OR u.is_admin = v_admin)
           -- unique_id: % is the only wildcard; _ and \ are literal
           AND (v_unique IS NULL OR lower(u.login_id) LIKE lower(replace(replace(v_unique, '\', '\\'), '_', '\_')))
           AND (g.id IS NULL OR g.builtin IS NOT NULL
                OR EXISTS (SELECT 1 FROM api2_group_users gu WHERE gu.tenant_id = u.tenant_id AND gu.group_id = g.id
                              AND gu.user_id = u.id))
         ORDER BY u.id OFFSET off LIMIT p_per_page + 1
    ), n AS (SELECT f.u, row_number() OVER (ORDER BY (f.u).id) AS k FROM f)
    SELECT off + (SELECT count(*) FROM n),
           '[' || coalesce((SELECT string_agg(rd_api2_user_json(n.u), ',' ORDER BY (n.u).id) FROM n
                             WHERE n.k <= p_per_page), '') || ']'
      INTO total, items;
    IF total = off AND off > 0 THEN
        -- an empty page past the end: count the set (the first `off` rows) so that prev is the last page
        SELECT l.total INTO total FROM rd_api2_users_page(p_params, p_group, 1, least(off, 2147483646)::int) l;
    END IF;
    RETURN NEXT;
END $$;

-- GET /api2/users: Administrator users.
CREATE OR REPLACE FUNCTION rd_api2_users_list(p_params jsonb, p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    PERFORM rd_api2_require_admin_user();
    RETURN QUERY SELECT * FROM rd_api2_users_page(p_params, NULL, p_page, p_per_page);
END $$;

-- GET /api2/users/:id: Administrator users.
CREATE OR REPLACE FUNCTION rd_api2_users_get(p_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    body text;
BEGIN
    PERFORM rd_api2_require_admin_user();
    SELECT rd_api2_user_json(u) INTO body FROM users u
     WHERE u.tenant_id = rd_tenant() AND u.id = rd_api2_parse_id(p_id) AND u.workflow_state = 'active';
    IF body IS NULL THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
    RETURN body;
END $$;

-- GET /api2/groups/:id/users: Administrator users; a built-in group lists every user of the tenant.
CREATE OR REPLACE FUNCTION rd_api2_group_users_list(p_id text, p_params jsonb, p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    g api2_groups;
BEGIN
    PERFORM rd_api2_require_admin_user();
    g := rd_api2_group_find(p_id, false);
    RETURN QUERY SELECT * FROM rd_api2_users_page(p_params - 'group_id', g, p_page, p_per_page);
END $$;

-- GET /api2/groups/:id/users/:user_id: Administrator users; the user if a member (every active user is a
-- member of a built-in group), else 404.
CREATE OR REPLACE FUNCTION rd_api2_group_users_get(p_id text, p_user text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    g api2_groups;
    body text;
BEGIN
    PERFORM rd_api2_require_admin_user();
    g := rd_api2_group_find(p_id, false);
    SELECT rd_api2_user_json(u) INTO body FROM users u
     WHERE u.tenant_id = g.tenant_id AND u.id = rd_api2_parse_id(p_user) AND u.workflow_state = 'active'
       AND (g.builtin IS NOT NULL
            OR EXISTS (SELECT 1 FROM api2_group_users gu
                        WHERE gu.tenant_id = g.tenant_id AND gu.group_id = g.id AND gu.user_id = u.id));
    IF body IS NULL THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
    RETURN body;
END $$;

-- POST /api2/groups/:id/users {"user_id"}: Administrator users; adding twice answers the same user.
CREATE OR REPLACE FUNCTION rd_api2_group_users_add(p_id text, p_params jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs jsonb := '[]';
    g api2_groups;
    u users;
BEGIN
    PERFORM rd_api2_require_admin_user();
    PERFORM rd_api2_require_writable();
    g := rd_api2_group_find(p_id, true);
    IF g.builtin IS NOT NULL THEN
        errs := errs || rd_api2_error('user_id', 'a built-in group cannot be given members');
    ELSIF p_params -> 'user_id' IS NULL OR jsonb_typeof(p_params -> 'user_id') = 'null' THEN
        errs := errs || rd_api2_error('user_id', 'is required');
    ELSE
        SELECT * INTO u FROM users x WHERE x.tenant_id = rd_tenant() AND x.id = rd_api2_json_id(p_params -> 'user_id')
           AND x.workflow_state = 'active';
        IF u.id IS NULL THEN
            errs := errs || rd_api2_error('user_id', 'user not found');
        END IF;
    END IF;
    PERFORM rd_api2_raise_invalid(errs);
    INSERT INTO api2_group_users (tenant_id, group_id, user_id) VALUES (rd_tenant(), g.id, u.id)
    ON CONFLICT DO NOTHING;
    RETURN rd_api2_user_json(u);
END $$;

-- DELETE /api2/groups/:id/users/:user_id: Administrator users; 204 also when the user was not a member. A
-- built-in group's members are everyone (Public) or every signed-in user (Registered Users): nobody can be
-- taken out of one, so that is a 422 rather than a 204 that removed nothing.
CREATE OR REPLACE FUNCTION rd_api2_group_users_remove(p_id text, p_user text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    g api2_groups;
BEGIN
    PERFORM rd_api2_require_admin_user();
    PERFORM rd_api2_require_writable();
    g := rd_api2_group_find(p_id, true);
    IF g.builtin IS NOT NULL THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error('user_id',
            'a built-in group''s members cannot be removed')));
    END IF;
    DELETE FROM api2_group_users x
     WHERE x.tenant_id = g.tenant_id AND x.group_id = g.id AND x.user_id = rd_api2_parse_id(p_user);
    RETURN FOUND;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Memberships
-- ---------------------------------------------------------------------------------------------------------

-- The Membership object (api2-collections.md §1) as compact JSON text, keys in the documented order, like
-- every other api2 object (json_build_object's text puts spaces around each colon).
CREATE OR REPLACE FUNCTION rd_api2_membership_json(m api2_memberships) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT '{"id":' || to_json(m.id::text)::text
        || ',"collection":' || (SELECT rd_api2_ref_json(c.id, c.display_name)
                                  FROM api2_collections c WHERE c.tenant_id = m.tenant_id AND c.id = m.collection_id)
        || ',"role":' || (SELECT rd_api2_ref_json(r.id, r.display_name)
                            FROM api2_roles r WHERE r.tenant_id = m.tenant_id AND r.id = m.role_id)
        || ',"user":' || coalesce((SELECT rd_api2_ref_json(u.id, u.name)
                                     FROM users u WHERE u.tenant_id = m.tenant_id AND u.id = m.user_id), 'null')
        || ',"group":' || coalesce((SELECT rd_api2_ref_json(g.id, g.display_name)
                                      FROM api2_groups g WHERE g.tenant_id = m.tenant_id AND g.id = m.group_id), 'null')
        || ',"created_on":' || to_json(rd_iso(m.created_on))::text
        || ',"modified_on":' || to_json(rd_iso(m.modified_on))::text
        || ',"links":{"self":' || to_json('/api2/memberships/' || m.id)::text || '}}'
    $$;

-- The membership with that URL id if the caller may see it (an Administrator user, or collection-share on its
-- collection); RD404 otherwise. p_lock locks it. perms: the caller's permissions on its collection.
CREATE OR REPLACE FUNCTION rd_api2_membership_find(p_id text, p_lock boolean, OUT m api2_memberships,
                                                   OUT perms text[])
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_id bigint := rd_api2_parse_id(p_id);
BEGIN
    IF p_lock THEN
        SELECT * INTO m FROM api2_memberships x WHERE x.tenant_id = rd_tenant() AND x.id = v_id FOR UPDATE;
    ELSE
        SELECT * INTO m FROM api2_memberships x WHERE x.tenant_id = rd_tenant() AND x.id = v_id;
    END IF;
    IF m.id IS NOT NULL THEN
        perms := rd_api2_my_perms(m.collection_id);
    END IF;
    IF m.id IS NULL OR NOT 'collection-read' = ANY (perms) THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
END $$;

-- GET /api2/memberships: filters user_id, group_id, collection_id, role_id (a value that is not an id: 422; an
-- id that names nothing matches nothing, so the memberships of a deleted collection or group list as none);
-- Administrator users see every membership, others those of collections where they hold collection-share.
CREATE OR REPLACE FUNCTION rd_api2_memberships_list(p_params jsonb, p_page bigint, p_per_page int)
    RETURNS TABLE (total bigint, items text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    errs jsonb := '[]';
    ids bigint[] := '{}';
    k text;
    v jsonb;
    admin boolean := rd_api2_is_admin(rd_user());
    off bigint := (greatest(p_page, 1) - 1) * p_per_page;
BEGIN
    FOREACH k IN ARRAY ARRAY['user_id', 'group_id', 'collection_id', 'role_id'] LOOP
        v := p_params -> k;
        IF v IS NULL OR coalesce(v #>> '{}', '') = '' THEN
            ids := ids || NULL::bigint;
        ELSIF rd_api2_json_id(v) IS NULL THEN
            errs := errs || rd_api2_error(k, 'must be an id');
            ids := ids || NULL::bigint;
        ELSE
            ids := ids || rd_api2_json_id(v);
        END IF;
    END LOOP;
    PERFORM rd_api2_raise_invalid(errs);
    WITH f AS (
        SELECT m FROM api2_memberships m
         WHERE m.tenant_id = rd_tenant()
           AND (ids[1] IS NULL OR m.user_id = ids[1])
           AND (ids[2] IS NULL OR m.group_id = ids[2])
           AND (ids[3] IS NULL OR m.collection_id = ids[3])
           AND (ids[4] IS NULL OR m.role_id = ids[4])
           AND (admin OR m.collection_id IN (SELECT v.collection_id FROM rd_api2_visible(rd_user(), 'collection-share') v))
         ORDER BY m.id OFFSET off LIMIT p_per_page + 1
    ), n AS (SELECT f.m, row_number() OVER (ORDER BY (f.m).id) AS k FROM f)
    SELECT off + (SELECT count(*) FROM n),
           '[' || coalesce((SELECT string_agg(rd_api2_membership_json(n.m), ',' ORDER BY (n.m).id) FROM n
                             WHERE n.k <= p_per_page), '') || ']'
      INTO total, items;
    IF total = off AND off > 0 THEN
        -- an empty page past the end: count the set (the first `off` rows) so that prev is the last page
        SELECT l.total INTO total FROM rd_api2_memberships_list(p_params, 1, least(off, 2147483646)::int) l;
    END IF;
    RETURN NEXT;
END $$;

-- GET /api2/memberships/:id
CREATE OR REPLACE FUNCTION rd_api2_memberships_get(p_id text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ret record;
    m api2_memberships;
    perms text[];
BEGIN
    ret := rd_api2_membership_find(p_id, false);
    m := ret.m; perms := ret.perms;
    IF NOT 'collection-share' = ANY (perms) THEN
        RAISE EXCEPTION 'The specified resource does not exist.' USING ERRCODE = 'RD404';
    END IF;
    RETURN rd_api2_membership_json(m);
END $$;

-- The role a membership gives (role_id in a body), or an error entry; and the no-self-escalation rule: unless
-- an Administrator user, the caller must hold every permission of the role on the collection (403 naming the
-- first one missing).
CREATE OR REPLACE FUNCTION rd_api2_membership_role(p_value jsonb, INOUT p_errors jsonb, OUT r api2_roles)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        p_errors := p_errors || rd_api2_error('role_id', 'is required');
        RETURN;
    END IF;
    SELECT * INTO r FROM api2_roles x WHERE x.tenant_id = rd_tenant() AND x.id = rd_api2_json_id(p_value);
    IF r.id IS NULL THEN
        p_errors := p_errors || rd_api2_error('role_id', 'role not found');
    END IF;
END $$;

CREATE OR REPLACE FUNCTION rd_api2_no_escalation(p_role bigint, p_collection bigint, p_perms text[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    missing text;
BEGIN
    IF rd_api2_is_admin(rd_user()) THEN
        RETURN;
    END IF;
    SELECT rp.permission INTO missing FROM api2_role_permissions rp
     WHERE rp.tenant_id = rd_tenant() AND rp.role_id = p_role AND NOT rp.permission = ANY (p_perms)
     ORDER BY rp.permission LIMIT 1;
    IF missing IS NOT NULL THEN
        PERFORM rd_api2_deny(missing, p_collection,
                             format('You cannot give a role with the %s permission, which you do not hold here',
                                    missing));
    END IF;
END $$;

-- POST /api2/memberships: collection_id, role_id, exactly one of user_id / group_id.
CREATE OR REPLACE FUNCTION rd_api2_memberships_create(p_params jsonb) RETURNS TABLE (id bigint, body text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    con text;
    ret record;
    errs jsonb := '[]';
    c api2_collections;
    perms text[];
    r api2_roles;
    v_user bigint;
    v_group bigint;
    has_user boolean := coalesce(jsonb_typeof(p_params -> 'user_id'), 'null') <> 'null';
    has_group boolean := coalesce(jsonb_typeof(p_params -> 'group_id'), 'null') <> 'null';
    m api2_memberships;
BEGIN
    PERFORM rd_api2_require_writable();
    ret := rd_api2_collection_ref(p_params -> 'collection_id', 'collection_id', true, errs);
    errs := ret.p_errors; c := ret.c; perms := ret.perms;
    IF c.id IS NOT NULL AND NOT 'collection-share' = ANY (perms) THEN
        PERFORM rd_api2_deny('collection-share', c.id);
    END IF;
    ret := rd_api2_membership_role(p_params -> 'role_id', errs);
    errs := ret.p_errors; r := ret.r;
    -- a role the caller may not give is a 403 before anything else is wrong with the body (422)
    IF c.id IS NOT NULL AND r.id IS NOT NULL THEN
        PERFORM rd_api2_no_escalation(r.id, c.id, perms);
    END IF;
    IF has_user = has_group THEN
        errs := errs || rd_api2_error('user_id', 'exactly one of user_id and group_id must be given');
    ELSIF has_user THEN
        SELECT u.id INTO v_user FROM users u WHERE u.tenant_id = rd_tenant()
           AND u.id = rd_api2_json_id(p_params -> 'user_id') AND u.workflow_state = 'active';
        IF v_user IS NULL THEN
            errs := errs || rd_api2_error('user_id', 'user not found');
        END IF;
    ELSE
        SELECT g.id INTO v_group FROM api2_groups g WHERE g.tenant_id = rd_tenant()
           AND g.id = rd_api2_json_id(p_params -> 'group_id');
        IF v_group IS NULL THEN
            errs := errs || rd_api2_error('group_id', 'group not found');
        END IF;
    END IF;
    IF c.id IS NOT NULL AND (v_user IS NOT NULL OR v_group IS NOT NULL)
       AND EXISTS (SELECT 1 FROM api2_memberships x WHERE x.tenant_id = rd_tenant() AND x.collection_id = c.id
                      AND (x.user_id = v_user OR x.group_id = v_group)) THEN
        errs := errs || rd_api2_error(CASE WHEN v_user IS NOT NULL THEN 'user_id' ELSE 'group_id' END,
                                      'already has a membership in this collection');
    END IF;
    PERFORM rd_api2_raise_invalid(errs);
    BEGIN
        INSERT INTO api2_memberships (tenant_id, collection_id, role_id, user_id, group_id)
        VALUES (rd_tenant(), c.id, r.id, v_user, v_group) RETURNING * INTO m;
    EXCEPTION WHEN unique_violation THEN
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_error(
            CASE WHEN v_user IS NOT NULL THEN 'user_id' ELSE 'group_id' END,
            'already has a membership in this collection')));
    WHEN foreign_key_violation THEN
        GET STACKED DIAGNOSTICS con = CONSTRAINT_NAME;
        PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_gone(con)));
    END;
    id := m.id;
    body := rd_api2_membership_json(m);
    RETURN NEXT;
END $$;

-- PUT / PATCH / POST /api2/memberships/:id: only role_id changes (other fields are ignored); same rules as create.
CREATE OR REPLACE FUNCTION rd_api2_memberships_update(p_id text, p_params jsonb) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    con text;
    ret record;
    errs jsonb := '[]';
    m api2_memberships;
    perms text[];
    r api2_roles;
BEGIN
    PERFORM rd_api2_require_writable();
    ret := rd_api2_membership_find(p_id, true);
    m := ret.m; perms := ret.perms;
    IF NOT 'collection-share' = ANY (perms) THEN
        PERFORM rd_api2_deny('collection-share', m.collection_id);
    END IF;
    ret := rd_api2_membership_role(p_params -> 'role_id', errs);
    errs := ret.p_errors; r := ret.r;
    PERFORM rd_api2_raise_invalid(errs);
    PERFORM rd_api2_no_escalation(r.id, m.collection_id, perms);
    IF r.id <> m.role_id THEN
        BEGIN
            UPDATE api2_memberships x SET role_id = r.id, modified_on = now()
             WHERE x.tenant_id = m.tenant_id AND x.id = m.id RETURNING * INTO m;
        EXCEPTION WHEN foreign_key_violation THEN
            GET STACKED DIAGNOSTICS con = CONSTRAINT_NAME;
            PERFORM rd_api2_raise_invalid(jsonb_build_array(rd_api2_gone(con)));
        END;
    END IF;
    RETURN rd_api2_membership_json(m);
END $$;

-- DELETE /api2/memberships/:id: collection-share; an unknown (or invisible) id is already deleted.
CREATE OR REPLACE FUNCTION rd_api2_memberships_delete(p_id text) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    ret record;
    m api2_memberships;
    perms text[];
BEGIN
    PERFORM rd_api2_require_writable();
    BEGIN
        ret := rd_api2_membership_find(p_id, true);
    m := ret.m; perms := ret.perms;
    EXCEPTION WHEN SQLSTATE 'RD404' THEN
        RETURN false;
    END;
    IF NOT 'collection-share' = ANY (perms) THEN
        PERFORM rd_api2_deny('collection-share', m.collection_id);
    END IF;
    DELETE FROM api2_memberships x WHERE x.tenant_id = m.tenant_id AND x.id = m.id;
    RETURN true;
END $$;