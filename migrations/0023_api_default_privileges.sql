-- Functions created in schema api are executable by rolesd_app from their creation, instead of a blanket
-- GRANT at the end of migrations/functions/90_api.sql. That GRANT rewrote every api function's pg_proc row,
-- so `rolesd migrate` took each one for (re)defined in the run and never dropped the overload an api
-- signature change leaves behind (found when the request id became every api function's last argument).
ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT EXECUTE ON FUNCTIONS TO rolesd_app;
