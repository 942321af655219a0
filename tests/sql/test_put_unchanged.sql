-- Canvas PUT of an override with the values it already has (40_canvas_roles.sql): the role is still
-- touched (last_updated_at moves, as for every saved override) and the override still answers as stored,
-- but its row is not written again: no audit event, the same stored states, the same row version. A PUT
-- that changes a value writes, is audited and refreshes the stored states.
SELECT no_plan();
\set tenant Same
\ir lib/one_tenant.sql
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);

CREATE TEMP TABLE s AS SELECT (rd_accounts_sub_create('self', 'manage_account_settings', 'S', NULL)::json ->> 'id')::bigint AS id;
CREATE TEMP TABLE r AS SELECT id FROM roles WHERE tenant_id = rd_tenant() AND name = 'AccountAdmin';
CREATE FUNCTION pg_temp.put(p_entries text) RETURNS text LANGUAGE sql
    AS $$ SELECT rd_canvas_roles_update((SELECT id FROM s)::text, (SELECT id FROM r)::text, 'manage_role_overrides',
                                        NULL, NULL, p_entries::json) $$;
CREATE FUNCTION pg_temp.row_version() RETURNS text LANGUAGE sql
    AS $$ SELECT o.xmin::text || '/' || o.ctid::text FROM role_overrides o
           WHERE o.tenant_id = rd_tenant() AND o.account_id = (SELECT id FROM s) AND o.role_id = (SELECT id FROM r)
             AND o.permission = 'read_reports' $$;
CREATE FUNCTION pg_temp.touched() RETURNS timestamptz LANGUAGE sql
    AS $$ SELECT updated_at FROM roles WHERE tenant_id = rd_tenant() AND id = (SELECT id FROM r) $$;
CREATE FUNCTION pg_temp.events() RETURNS bigint LANGUAGE sql
    AS $$ SELECT count(*) FROM audit_events WHERE tenant_id = rd_tenant() AND entity = 'role_override' $$;
CREATE FUNCTION pg_temp.states() RETURNS text LANGUAGE sql
    AS $$ SELECT string_agg(account_id || ':' || at_pairs || '/' || below_pairs, ';' ORDER BY account_id)
            FROM role_states WHERE tenant_id = rd_tenant() AND role_id = (SELECT id FROM r) $$;
CREATE FUNCTION pg_temp.computed() RETURNS text LANGUAGE sql
    AS $$ SELECT p.pairs FROM accounts a, rd_canvas_role_pairs(a.chain, (SELECT id FROM r), 'AccountAdmin') p
           WHERE a.tenant_id = rd_tenant() AND a.id = (SELECT id FROM s) $$;
CREATE FUNCTION pg_temp.stored() RETURNS text LANGUAGE sql
    AS $$ SELECT x.pairs FROM accounts a, rd_role_states_at(a.chain, (SELECT id FROM r)) x
           WHERE a.tenant_id = rd_tenant() AND a.id = (SELECT id FROM s) $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO rolesd_owner;

-- each write in its own transaction, as requests are: now() moves between them
SELECT pg_temp.put('[["read_reports",1,1,-1,-1,-1,-1,[]]]') IS NOT NULL AS written \gset
CREATE TEMP TABLE before AS SELECT pg_temp.row_version() AS v, pg_temp.touched() AS at, pg_temp.events() AS n,
                                   pg_temp.states() AS st;
SELECT ok((SELECT v FROM before) IS NOT NULL, 'the first PUT stores the override');
SELECT is((SELECT n FROM before), 1::bigint, 'and is audited');
SELECT pg_sleep(0.01);

SELECT ok(pg_temp.put('[["read_reports",1,1,-1,-1,-1,-1,[]]]') LIKE '{"@R%', 'the same PUT again answers the role');
SELECT is(pg_temp.row_version(), (SELECT v FROM before), 'the override row is not written again');
SELECT is(pg_temp.events(), (SELECT n FROM before), 'no audit event');
SELECT is(pg_temp.states(), (SELECT st FROM before), 'the stored states are the same');
SELECT ok(pg_temp.touched() > (SELECT at FROM before), 'the role is still touched (last_updated_at)');
SELECT pg_sleep(0.01);

-- a value changed: written, audited, states refreshed
SELECT ok(pg_temp.put('[["read_reports",1,0,-1,-1,-1,-1,[]]]') LIKE '{"@R%', 'switched off');
SELECT isnt(pg_temp.row_version(), (SELECT v FROM before), 'the row is written');
SELECT is(pg_temp.events(), (SELECT n FROM before) + 1, 'and audited');
SELECT isnt(pg_temp.states(), (SELECT st FROM before), 'the stored states change');
SELECT is(pg_temp.stored(), pg_temp.computed(), 'to the computed ones');
-- only the lock given: the other values stay, the row is written
SELECT ok(pg_temp.put('[["read_reports",-1,-1,1,-1,-1,-1,[]]]') LIKE '{"@R%', 'locked');
SELECT is((SELECT (enabled, locked)::text FROM role_overrides WHERE tenant_id = rd_tenant() AND permission = 'read_reports'
             AND account_id = (SELECT id FROM s)), '(f,t)', 'locked, still off');
SELECT is(pg_temp.events(), (SELECT n FROM before) + 2, 'audited');
SELECT is(pg_temp.stored(), pg_temp.computed(), 'states follow');
-- the same lock again: unchanged
SELECT ok(pg_temp.put('[["read_reports",-1,-1,1,-1,-1,-1,[]]]') LIKE '{"@R%', 'locked again');
SELECT is(pg_temp.events(), (SELECT n FROM before) + 2, 'nothing to audit');

RESET ROLE;
SELECT * FROM finish();
