-- rd_fail raises rolesd's error codes from inside a plain SQL expression (CASE WHEN <error> THEN
-- rd_fail(...) ELSE <answer> END). It lets hot read paths be ONE prepared statement instead of a plpgsql
-- function calling plpgsql functions: PostgreSQL caches the statement's plan once per connection, while
-- every nested function call costs its own executor start-up (api2 GET role: 4.5k -> 8.6k calls/s).
CREATE FUNCTION rd_fail(p_code text, p_message text) RETURNS text
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION '%', p_message USING ERRCODE = p_code; END $$;
