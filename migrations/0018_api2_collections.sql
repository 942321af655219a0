-- api2 collections, groups and memberships: the api2 roles given to users and groups inside a tree of
-- collections, inherited down the tree. Tables, indexes, constraints, RLS policies and the backfill for
-- tenants created before this migration (plain SQL); the functions are migrations/functions/85_api2_collections.sql.
--
-- Effective permissions (api2-collections.md §2) are computed in two directions over the same rule:
--   * up:   rd_api2_perms(user, ids[]) walks from each collection up its parent chain while the collection
--           inherits, over the memberships of the user, their groups, Registered Users and Public. One query
--           for one collection or for a page of them. Used by every check, explain and the page of memberships.
--   * down: rd_api2_reach(user) walks from the collections where the user's principals hold a membership down
--           to the children that inherit. It is the set a list filters on ("visible", "holds permission X"),
--           so a list page costs one query whose size is the caller's grants, not the tenant's collections.
-- tests/sql/test_api2_collections.sql checks both give the same answer on every collection of its tree.
-- Cycles (forged parent_id data) stop both walks: CYCLE on the way up, UNION (set semantics) on the way down.
--
-- Scale (issue 15): the indexes below let a check and a list page use index scans only, on a tenant of the
-- spec'd size (100k collections, depth 50, 10k groups, 1M memberships); tests/sql/test_api2_collections_scale.sql
-- proves it with EXPLAIN on a smaller generated set (20k collections, 200k memberships) to stay fast.

-- ---------------------------------------------------------------------------------------------------------
-- Collections
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE api2_collections (
    tenant_id           bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id                  bigserial,
    parent_id           bigint,
    slug                text COLLATE "C" NOT NULL CHECK (slug ~ '^[a-z0-9-]+$' AND length(slug) <= 255),
    display_name        text NOT NULL CHECK (display_name !~ '^[[:space:]]*$' AND length(display_name) <= 255),
    description         text,
    description_plain   text,
    inherit_memberships boolean NOT NULL DEFAULT true,
    is_podcast          boolean NOT NULL DEFAULT false,
    created_on          timestamptz NOT NULL DEFAULT now(),
    modified_on         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- no cascade: a collection with sub-collections cannot be deleted (422 before this fires)
    FOREIGN KEY (tenant_id, parent_id) REFERENCES api2_collections (tenant_id, id),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE UNIQUE INDEX api2_collections_slug ON api2_collections (tenant_id, slug);
-- one top-level collection (My Site) per tenant
CREATE UNIQUE INDEX api2_collections_top ON api2_collections (tenant_id) WHERE parent_id IS NULL;
-- children of a collection: the downward walk, the parent_id filter, "has sub-collections"
CREATE INDEX api2_collections_parent ON api2_collections (tenant_id, parent_id, id) INCLUDE (inherit_memberships);
CREATE INDEX api2_collections_display_name ON api2_collections (tenant_id, display_name, id);

-- ---------------------------------------------------------------------------------------------------------
-- Groups and their users
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE api2_groups (
    tenant_id    bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id           bigserial,
    display_name text NOT NULL CHECK (display_name !~ '^[[:space:]]*$' AND length(display_name) <= 255),
    -- Public (everyone, anonymous included) and Registered Users (every signed-in user): members implied
    builtin      text CHECK (builtin IN ('public', 'registered')),
    created_on   timestamptz NOT NULL DEFAULT now(),
    modified_on  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX api2_groups_display_name ON api2_groups (tenant_id, lower(display_name));
CREATE UNIQUE INDEX api2_groups_builtin ON api2_groups (tenant_id, builtin) WHERE builtin IS NOT NULL;

CREATE TABLE api2_group_users (
    tenant_id  bigint NOT NULL,
    group_id   bigint NOT NULL,
    user_id    bigint NOT NULL,
    created_on timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES api2_groups (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
-- the groups of a user (every permission check)
CREATE INDEX api2_group_users_user ON api2_group_users (tenant_id, user_id, group_id);

-- ---------------------------------------------------------------------------------------------------------
-- Memberships: a role given to one user or one group inside one collection
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE api2_memberships (
    tenant_id     bigint NOT NULL,
    id            bigserial,
    collection_id bigint NOT NULL,
    role_id       bigint NOT NULL,
    user_id       bigint,
    group_id      bigint,
    created_on    timestamptz NOT NULL DEFAULT now(),
    modified_on   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, collection_id) REFERENCES api2_collections (tenant_id, id) ON DELETE CASCADE,
    -- no cascade: deleting a role still in use is refused (422) by rd_api2_roles_delete
    FOREIGN KEY (tenant_id, role_id) REFERENCES api2_roles (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, group_id) REFERENCES api2_groups (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT api2_memberships_one_principal CHECK ((user_id IS NULL) <> (group_id IS NULL))
);
-- one membership per (collection, principal); also the lookups of the upward walk (memberships on a
-- collection of the chain held by the user or one of their groups)
CREATE UNIQUE INDEX api2_memberships_user ON api2_memberships (tenant_id, collection_id, user_id)
    INCLUDE (role_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX api2_memberships_group ON api2_memberships (tenant_id, collection_id, group_id)
    INCLUDE (role_id) WHERE group_id IS NOT NULL;
-- the grants of a principal (the downward walk starts there) and the user_id / group_id filters
CREATE INDEX api2_memberships_by_user ON api2_memberships (tenant_id, user_id, collection_id)
    INCLUDE (role_id) WHERE user_id IS NOT NULL;
CREATE INDEX api2_memberships_by_group ON api2_memberships (tenant_id, group_id, collection_id)
    INCLUDE (role_id) WHERE group_id IS NOT NULL;
-- "role is used by N memberships" and the role_id filter
CREATE INDEX api2_memberships_role ON api2_memberships (tenant_id, role_id, id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['api2_collections', 'api2_groups', 'api2_group_users', 'api2_memberships']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = NULLIF(current_setting(''rolesd.tenant_id'', true), '''')::bigint) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''rolesd.tenant_id'', true), '''')::bigint)', t);
    END LOOP;
END $$;

-- rolesd_app gets no privilege here: it reaches these tables only through the api.* functions (0016).

-- Tenants created before this migration: My Site (not inheriting, no memberships: nobody but Administrator
-- users sees anything until it is shared) and the two built-in groups. rd_tenant_create does the same for
-- new tenants (rd_api2_collections_seed below).
INSERT INTO api2_collections (tenant_id, slug, display_name, inherit_memberships)
SELECT t.id, 'my-site', 'My Site', false FROM tenants t
 WHERE NOT EXISTS (SELECT 1 FROM api2_collections c WHERE c.tenant_id = t.id AND c.parent_id IS NULL)
 ORDER BY t.id;
INSERT INTO api2_groups (tenant_id, display_name, builtin)
SELECT t.id, b.display_name, b.builtin FROM tenants t,
       (VALUES (1, 'Public', 'public'), (2, 'Registered Users', 'registered')) b (n, display_name, builtin)
 WHERE NOT EXISTS (SELECT 1 FROM api2_groups g WHERE g.tenant_id = t.id AND g.builtin = b.builtin)
 ORDER BY t.id, b.n;

-- Forced for the owner too, as every tenant table (0016): after the backfill above, which is for all tenants.
ALTER TABLE api2_collections FORCE ROW LEVEL SECURITY;
ALTER TABLE api2_groups FORCE ROW LEVEL SECURITY;
ALTER TABLE api2_group_users FORCE ROW LEVEL SECURITY;
ALTER TABLE api2_memberships FORCE ROW LEVEL SECURITY;
