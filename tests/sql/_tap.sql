-- Minimal TAP helpers for SQL tests. Each call returns one line, "ok - name" or "not ok - name # got ...";
-- tests/sql/run.sh counts them. Loaded into a throwaway schema of each test database.
CREATE SCHEMA IF NOT EXISTS tap;
GRANT USAGE ON SCHEMA tap TO PUBLIC;

CREATE OR REPLACE FUNCTION tap.ok(cond boolean, name text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN cond THEN 'ok - ' || name ELSE 'not ok - ' || name END $$;

CREATE OR REPLACE FUNCTION tap.is(got anyelement, want anyelement, name text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN got IS NOT DISTINCT FROM want THEN 'ok - ' || name
                ELSE 'not ok - ' || name || ' # got ' || coalesce(got::text, 'NULL')
                     || ', want ' || coalesce(want::text, 'NULL') END $$;

-- Runs a statement and passes when it raises the given SQLSTATE.
CREATE OR REPLACE FUNCTION tap.throws(stmt text, sqlstate text, name text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE stmt;
    RETURN 'not ok - ' || name || ' # no error raised';
EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE = throws.sqlstate THEN RETURN 'ok - ' || name; END IF;
    RETURN 'not ok - ' || name || ' # raised ' || SQLSTATE || ': ' || SQLERRM;
END $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA tap TO PUBLIC;
