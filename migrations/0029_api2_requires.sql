-- Each api2 permission's transitive dependencies, stored on the permission (api2-roles.md §2), so that the
-- dependency closure of add- and remove-permissions is a lookup instead of a recursive CTE: PostgreSQL builds
-- and zeroes the hash table of a recursive UNION at every execution, about 800 k instructions of a 2.6 M
-- add-permissions request (callgrind). Derived from api2_permission_deps: rebuilt by the statement triggers
-- of migrations/functions/80_api2.sql whenever the edges change.
ALTER TABLE api2_permissions ADD COLUMN requires text[] NOT NULL DEFAULT '{}';

WITH RECURSIVE needs (permission, dep) AS (
    SELECT d.permission, d.depends_on FROM api2_permission_deps d
    UNION
    SELECT n.permission, d.depends_on FROM needs n JOIN api2_permission_deps d ON d.permission = n.dep
)
UPDATE api2_permissions p
   SET requires = coalesce((SELECT array_agg(n.dep ORDER BY n.dep) FROM needs n WHERE n.permission = p.name), '{}');
