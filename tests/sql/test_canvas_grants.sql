-- canvas_grants (0028) is the join of canvas_permission_bases and canvas_permissions, kept by statement
-- triggers (20_canvas_catalogue.sql): equal after a fresh migration and after catalogue changes of every
-- kind in either table.
SELECT no_plan();
SET ROLE rolesd_owner;

CREATE FUNCTION pg_temp.differ() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM (
        (SELECT b.base_role_type, p.name, p.ord, b.available, b.default_on, p.account_only, p.conditions
           FROM canvas_permission_bases b JOIN canvas_permissions p ON p.ord = b.ord
         EXCEPT ALL
         SELECT base_role_type, name, ord, available, default_on, account_only, conditions FROM canvas_grants)
        UNION ALL
        (SELECT base_role_type, name, ord, available, default_on, account_only, conditions FROM canvas_grants
         EXCEPT ALL
         SELECT b.base_role_type, p.name, p.ord, b.available, b.default_on, p.account_only, p.conditions
           FROM canvas_permission_bases b JOIN canvas_permissions p ON p.ord = b.ord)) d $$;

SELECT cmp_ok((SELECT count(*) FROM canvas_grants), '>', 500::bigint, 'the catalogue''s rows are there');
SELECT is(pg_temp.differ(), 0::bigint, 'equal to the join after migration');

UPDATE canvas_permission_bases SET default_on = NOT default_on, available = NOT available
 WHERE base_role_type = 'AccountAdmin' AND ord IN (SELECT ord FROM canvas_permissions ORDER BY ord LIMIT 5);
SELECT is(pg_temp.differ(), 0::bigint, 'a base type''s defaults changed');
UPDATE canvas_permissions SET conditions = '{catalog_enabled}', account_only = 'root' WHERE name = 'read_reports';
SELECT is(pg_temp.differ(), 0::bigint, 'a permission''s conditions and scope changed');
SELECT is((SELECT account_only FROM canvas_grants WHERE base_role_type = 'AccountAdmin' AND name = 'read_reports'), 'root',
          'and the row shows it');
DELETE FROM canvas_permission_bases WHERE base_role_type = 'NoPermissions';
SELECT is(pg_temp.differ(), 0::bigint, 'a base type''s rows removed');
INSERT INTO canvas_permission_bases (base_role_type, ord, permission, available, default_on, default_state)
SELECT 'NoPermissions', ord, name, false, false, 0 FROM canvas_permissions;
SELECT is(pg_temp.differ(), 0::bigint, 'and added again');

RESET ROLE;
SELECT * FROM finish();
