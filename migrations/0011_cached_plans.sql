-- Hot scalar SQL functions whose body has a FROM clause, as plpgsql. Same bodies, same results.
--
-- PostgreSQL inlines a scalar SQL function only when its body is a bare expression; any other SQL function
-- runs through the SQL-function executor, which parses and plans its body again for every query that calls
-- it (PostgreSQL 15 keeps no plan for it across executions). plpgsql caches each statement's plan for the
-- life of the connection. rd_api2_closure_add alone is a recursive CTE planned on every add-permissions
-- request; rd_api2_role_perms was planned once per request of every api2 read and write.

CREATE OR REPLACE FUNCTION rd_api2_closure_add(p_current text[], p_requested text[]) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        WITH RECURSIVE
        u (name) AS (
            SELECT p.name FROM api2_permissions p
             WHERE p.name = ANY (coalesce(p_current, '{}') || coalesce(p_requested, '{}'))
        ),
        -- (permission, one of its transitive dependencies) for every member of u
        needs (permission, dep) AS (
            SELECT d.permission, d.depends_on FROM api2_permission_deps d JOIN u ON u.name = d.permission
            UNION
            SELECT n.permission, d.depends_on FROM needs n JOIN api2_permission_deps d ON d.permission = n.dep
        )
        SELECT coalesce(array_agg(u.name ORDER BY u.name), '{}')
          FROM u
         WHERE NOT EXISTS (SELECT 1 FROM needs n
                            WHERE n.permission = u.name AND NOT EXISTS (SELECT 1 FROM u u2 WHERE u2.name = n.dep)));
END $$;

CREATE OR REPLACE FUNCTION rd_api2_closure_remove(p_current text[], p_removed text[]) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        WITH RECURSIVE gone (name) AS (
            SELECT unnest(coalesce(p_removed, '{}'))::text COLLATE "C"
            UNION
            SELECT d.permission FROM api2_permission_deps d JOIN gone g ON d.depends_on = g.name
        )
        SELECT coalesce(array_agg(DISTINCT c.name ORDER BY c.name), '{}')
          FROM unnest(coalesce(p_current, '{}')) AS c (name)
         WHERE NOT EXISTS (SELECT 1 FROM gone g WHERE g.name = c.name COLLATE "C"));
END $$;

CREATE OR REPLACE FUNCTION rd_api2_role_perms(p_role bigint) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(p.permission ORDER BY p.permission), '{}')
              FROM api2_role_permissions p WHERE p.tenant_id = rd_tenant() AND p.role_id = p_role);
END $$;

CREATE OR REPLACE FUNCTION rd_api2_roles_count(p_display_name jsonb, p_deletable jsonb, p_lti jsonb,
                                               p_permissions jsonb)
    RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT '{"count":' || count(*) || '}'
              FROM rd_api2_roles_filtered(p_display_name, p_deletable, p_lti, p_permissions));
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

CREATE OR REPLACE FUNCTION rd_account_in_chain(p_ancestor bigint, p_account bigint) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM rd_account_chain(p_account) c WHERE c.account_id = p_ancestor);
END $$;

CREATE OR REPLACE FUNCTION rd_permission_exists(p_permission text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM canvas_permissions p WHERE p.name = p_permission);
END $$;

CREATE OR REPLACE FUNCTION rd_caller_lacks_for(p_role bigint, p_rc bigint) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        WITH names AS (SELECT array_agg(m.permission) AS arr FROM rd_manageable_permissions(p_rc) m),
        mine AS (SELECT p.permission, p.granted FROM names, rd_user_permissions(rd_user(), p_rc, names.arr) p)
        SELECT g.permission
          FROM names, rd_membership_grants(p_role, p_rc, p_rc, names.arr) g
          JOIN mine ON mine.permission = g.permission
         WHERE g.granted AND NOT mine.granted
         ORDER BY g.permission
         LIMIT 1);
END $$;
