-- Token issuance works out of the box (issue 16): the condition admin_manage_access_tokens, which makes
-- create_access_tokens and delete_access_tokens available, defaults to on.
--
-- In Canvas it is an opt-in root-account feature, because users there get tokens from their own settings
-- page after a web login. rolesd has no web login: the API is the only way a user (an integration user,
-- typically) gets a token, so with the Canvas default only the database owner could give one. A tenant that
-- wants Canvas' behaviour turns the condition off (README, "Permission conditions"). Tenants that set the
-- condition explicitly keep their value; the others follow the new default.
UPDATE canvas_conditions
   SET default_on = true,
       description = 'root-account feature admin_manage_access_tokens (opt-in in Canvas; on by default in rolesd)'
 WHERE name = 'admin_manage_access_tokens';

-- Role JSON's precomputed defaults (0014) leave out the permissions that default conditions hide: recompute
-- members_default and body_default from members with the new set of default-off conditions.
WITH hidden AS (
    SELECT coalesce(array_agg(DISTINCT o), '{}') AS ords FROM canvas_conditions c CROSS JOIN unnest(c.ords) o
     WHERE NOT c.default_on
), m AS (
    SELECT d.base_role_type, d.is_root,
           array_agg(CASE WHEN NOT (x.o = ANY (hidden.ords)) THEN x.member END ORDER BY x.o) AS members_default
      FROM canvas_json_defaults d
     CROSS JOIN hidden
     CROSS JOIN LATERAL unnest(d.members) WITH ORDINALITY AS x(member, o)
     GROUP BY d.base_role_type, d.is_root
)
UPDATE canvas_json_defaults d
   SET members_default = m.members_default, body_default = array_to_string(m.members_default, ',')
  FROM m
 WHERE d.base_role_type = m.base_role_type AND d.is_root = m.is_root;

ANALYZE canvas_conditions, canvas_json_defaults;
