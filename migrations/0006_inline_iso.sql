-- rd_iso was declared IMMUTABLE around to_char(), which is only STABLE; PostgreSQL never inlines a SQL
-- function whose body is more volatile than its declaration, so every call went through the SQL-function
-- executor, which re-parses and re-plans the body on each outer query (about 30 us a call, two calls per
-- api2 role, two per Canvas role). Declared STABLE it is inlined into its callers.
CREATE OR REPLACE FUNCTION rd_iso(ts timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;
