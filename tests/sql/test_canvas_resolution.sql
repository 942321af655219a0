-- Canvas permission resolution (canvas-roles.md §3, §4): the catalogue, defaults, applies_to combinations,
-- locks, explicit/prior_default, many roles in one query, deep and wide trees, cycles, and the caller's
-- effective permission (§3.3). Runs as the service role under RLS.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Canvas', ARRAY['canvas.test'], 'Admin', repeat('c', 64), 'ccccc');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
CREATE TEMP TABLE ids (name text PRIMARY KEY, id bigint);
GRANT ALL ON ids TO rolesd_app, rolesd_owner;

SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);

-- helpers: a sub-account, a role, an override, one resolved permission as JSON-ish text
CREATE FUNCTION pg_temp.acct(p_name text, p_parent text) RETURNS bigint LANGUAGE sql AS $$
    WITH a AS (
        INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
        SELECT rd_tenant(), p_name, (SELECT id FROM ids WHERE name = p_parent), (SELECT root_account_id FROM t)
        RETURNING id)
    INSERT INTO ids SELECT p_name, a.id FROM a RETURNING id $$;
CREATE FUNCTION pg_temp.role(p_name text, p_base text) RETURNS bigint LANGUAGE sql AS $$
    WITH r AS (
        INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
        VALUES (rd_tenant(), (SELECT root_account_id FROM t), (SELECT root_account_id FROM t), p_name, p_base, 'active')
        RETURNING id)
    INSERT INTO ids SELECT p_name, r.id FROM r RETURNING id $$;
CREATE FUNCTION pg_temp.ov(p_acct text, p_role text, p_perm text, p_enabled boolean, p_locked boolean DEFAULT false,
                           p_self boolean DEFAULT true, p_desc boolean DEFAULT true) RETURNS void LANGUAGE sql AS $$
    INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked, applies_to_self,
                                applies_to_descendants)
    VALUES (rd_tenant(), (SELECT id FROM ids WHERE name = p_acct), (SELECT id FROM ids WHERE name = p_role), p_perm,
            p_enabled, p_locked, p_self, p_desc)
    ON CONFLICT (tenant_id, account_id, role_id, permission) DO UPDATE
       SET enabled = EXCLUDED.enabled, locked = EXCLUDED.locked, applies_to_self = EXCLUDED.applies_to_self,
           applies_to_descendants = EXCLUDED.applies_to_descendants $$;
-- e=enabled l=locked r=readonly x=explicit p=prior_default s/d=applies_to_self/descendants (absent keys: -)
CREATE FUNCTION pg_temp.at(p_acct text, p_role text, p_perm text) RETURNS text LANGUAGE sql AS $$
    SELECT 'e' || enabled::int || 'l' || locked::int || 'r' || readonly::int || 'x' || explicit::int
           || 'p' || coalesce(prior_default::int::text, '-') || 's' || coalesce(applies_to_self::int::text, '-')
           || 'd' || coalesce(applies_to_descendants::int::text, '-')
      FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = p_acct), ARRAY[(SELECT id FROM ids WHERE name = p_role)])
     WHERE permission = p_perm $$;

INSERT INTO ids SELECT 'R', root_account_id FROM t;
INSERT INTO ids SELECT r.name, r.id FROM roles r WHERE r.workflow_state = 'built_in';
SELECT pg_temp.acct('S', 'R'), pg_temp.acct('X', 'S'), pg_temp.acct('S2', 'R');
SELECT pg_temp.role('Auditor', 'AccountMembership'), pg_temp.role('Nothing', 'NoPermissions'),
       pg_temp.role('Helper', 'TaEnrollment'), pg_temp.role('Boss', 'AccountAdmin');

-- ---------------------------------------------------------------------------------------------------------
-- The catalogue
-- ---------------------------------------------------------------------------------------------------------
SELECT is((SELECT count(*) FROM canvas_permissions), 135::bigint, '135 permissions');
SELECT is((SELECT count(*) FROM canvas_permission_groups), 19::bigint, '19 granular groups');
SELECT is((SELECT count(*) FROM canvas_permission_bases), 1080::bigint, 'defaults for 8 base types');
SELECT is((SELECT string_agg(name, ',' ORDER BY ord) FROM canvas_permissions WHERE grp = 'manage_wiki'),
          'manage_wiki_create,manage_wiki_update,manage_wiki_delete', 'manage_wiki members in order');
SELECT is((SELECT count(*) FROM canvas_permissions WHERE grp = 'manage_courses'), 7::bigint,
          'manage_courses has 7 members');
SELECT is((SELECT count(*) FROM canvas_permissions WHERE grp IS NULL AND name IN ('allow_course_admin_actions',
          'manage_students')), 2::bigint, 'allow_course_admin_actions and manage_students are not grouped');
SELECT is((SELECT count(*) FROM canvas_permissions WHERE NOT ('AccountMembership' = ANY (available_to))),
          0::bigint, 'every permission is available to AccountMembership');
SELECT is((SELECT count(*) FROM canvas_permissions WHERE 'AccountMembership' = ANY (true_for)), 0::bigint,
          'no permission is on by default for AccountMembership');
SELECT is((SELECT string_agg(name, ',' ORDER BY name) FROM canvas_permissions
            WHERE NOT ('AccountAdmin' = ANY (available_to))),
          'manage_account_memberships,manage_account_settings,manage_role_overrides',
          'three permissions are locked on for AccountAdmin');
SELECT is((SELECT string_agg(name, ',' ORDER BY name) FROM canvas_permissions
            WHERE NOT ('AccountAdmin' = ANY (true_for))),
          'proxy_assignment_submission,view_notifications', 'AccountAdmin is off for two permissions');
SELECT is((SELECT available_to::text || true_for::text FROM canvas_permissions WHERE name = 'manage_calendar'),
          '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}',
          'manage_calendar [sTADo]');
SELECT is((SELECT count(*) FROM canvas_permissions WHERE account_only = 'site_admin'), 8::bigint,
          '8 site-admin-only permissions');

-- What is listed where (§2.9)
SELECT is((SELECT count(*) FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'R'),
                                                  ARRAY[(SELECT id FROM ids WHERE name = 'Auditor')])),
          (SELECT count(*) FROM canvas_permissions p
            WHERE account_only <> 'site_admin' AND NOT (p.ord = ANY (rd_canvas_hidden_ords()))),
          'root lists every permission but site-admin-only and condition-hidden ones');
SELECT ok(NOT EXISTS (SELECT 1 FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'S'),
                                                      ARRAY[(SELECT id FROM ids WHERE name = 'Auditor')]) r
                        JOIN canvas_permissions p ON p.name = r.permission
                       WHERE p.account_only = 'root' OR p.name = 'manage_developer_keys'),
          'a sub-account lists no root-only permission and no manage_developer_keys');
SELECT ok(EXISTS (SELECT 1 FROM rd_manageable_permissions((SELECT id FROM ids WHERE name = 'S'))
                   WHERE permission = 'manage_developer_keys'),
          'manage_developer_keys stays manageable on a sub-account');
SELECT is((SELECT string_agg(permission, ',' ORDER BY permission) FROM rd_permission_defaults('AccountAdmin', NULL)
            WHERE hard_locked AND default_on),
          'manage_account_memberships,manage_account_settings,manage_role_overrides',
          'rd_permission_defaults: locked-on permissions of AccountAdmin');

-- Conditions are per tenant
SELECT ok('catalog_enabled' = ANY (rd_canvas_conditions_off()), 'catalog is off by default');
SELECT ok(NOT ('quiz_log_auditing' = ANY (rd_canvas_conditions_off())), 'quiz log auditing is on by default');
SELECT ok(NOT ('admin_manage_access_tokens' = ANY (rd_canvas_conditions_off())),
          'token administration is on by default in rolesd');
RESET ROLE;
UPDATE tenants SET settings = '{"canvas_conditions": {"catalog_enabled": true, "block_editor": true}}'
 WHERE id = (SELECT tenant_id FROM t);
SET ROLE rolesd_owner;
SELECT ok(NOT ('catalog_enabled' = ANY (rd_canvas_conditions_off())), 'a tenant turns the catalog on');
SELECT is(pg_temp.at('R', 'AccountAdmin', 'manage_catalog'), 'e1l0r0x0p-s1d1', 'and manage_catalog is listed');
SELECT is(pg_temp.at('R', 'TeacherEnrollment', 'block_editor_template_editor'), NULL,
          'a permission needing two conditions stays hidden while one is off');
SELECT ok(NOT rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT id FROM ids WHERE name = 'R'),
                                 'view_notifications'), 'a hidden permission is granted to nobody');
RESET ROLE;
UPDATE tenants SET settings = '{}' WHERE id = (SELECT tenant_id FROM t);
SET ROLE rolesd_owner;

-- ---------------------------------------------------------------------------------------------------------
-- Defaults (§4.2)
-- ---------------------------------------------------------------------------------------------------------
SELECT is(pg_temp.at('R', 'TeacherEnrollment', 'manage_grades'), 'e1l0r0x0p-s1d1', 'Teacher manage_grades on');
SELECT is(pg_temp.at('R', 'StudentEnrollment', 'manage_calendar'), 'e0l0r0x0p-s-d-',
          'Student manage_calendar available, off');
SELECT is(pg_temp.at('R', 'StudentEnrollment', 'read_question_banks'), 'e0l1r1x0p-s-d-',
          'Student read_question_banks locked off');
SELECT is(pg_temp.at('R', 'AccountAdmin', 'manage_role_overrides'), 'e1l1r1x0p-s1d1',
          'AccountAdmin manage_role_overrides locked on');
SELECT is(pg_temp.at('R', 'AccountAdmin', 'view_notifications'), NULL, 'view_notifications hidden by default');
SELECT is(pg_temp.at('R', 'Boss', 'read_reports'), 'e1l0r0x0p-s1d1', 'custom AccountAdmin base: admin defaults');
SELECT is((SELECT count(*) FILTER (WHERE enabled) FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'R'),
            ARRAY[(SELECT id FROM ids WHERE name = 'Auditor')])), 0::bigint, 'custom account role: all off');
SELECT is((SELECT count(*) FILTER (WHERE locked) FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'R'),
            ARRAY[(SELECT id FROM ids WHERE name = 'Auditor')])), 0::bigint, 'custom account role: none locked');
SELECT ok((SELECT bool_and(locked AND readonly AND NOT enabled) FROM rd_canvas_resolve(
            (SELECT id FROM ids WHERE name = 'R'), ARRAY[(SELECT id FROM ids WHERE name = 'Nothing')])),
          'NoPermissions base: everything locked off');
SELECT is(pg_temp.at('R', 'Helper', 'manage_account_settings'), 'e0l1r1x0p-s-d-',
          'course role lists account permissions, locked off');
SELECT is((SELECT string_agg(DISTINCT grp, ',') FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'R'),
            ARRAY[(SELECT id FROM ids WHERE name = 'TeacherEnrollment')]) WHERE permission LIKE 'manage_wiki_%'),
          'manage_wiki', 'granular members carry their group');

-- ---------------------------------------------------------------------------------------------------------
-- applies_to combinations, explicit and prior_default
-- ---------------------------------------------------------------------------------------------------------
SELECT pg_temp.ov('R', 'Auditor', 'read_reports', true);
SELECT is(pg_temp.at('R', 'Auditor', 'read_reports'), 'e1l0r0x1p0s1d1', 'grant at R: explicit at R');
SELECT is(pg_temp.at('X', 'Auditor', 'read_reports'), 'e1l0r0x0p-s1d1', 'grant at R reaches X');
SELECT pg_temp.ov('R', 'Auditor', 'read_reports', true, false, false, true);
SELECT is(pg_temp.at('R', 'Auditor', 'read_reports'), 'e1l0r0x1p0s0d1', 'descendants only: enabled at R');
SELECT is(pg_temp.at('S', 'Auditor', 'read_reports'), 'e1l0r0x0p-s1d1', 'descendants only: full below');
SELECT pg_temp.ov('R', 'Auditor', 'read_reports', true, false, true, false);
SELECT is(pg_temp.at('R', 'Auditor', 'read_reports'), 'e1l0r0x1p0s1d0', 'self only: on at R');
SELECT is(pg_temp.at('S', 'Auditor', 'read_reports'), 'e0l0r0x0p-s-d-', 'self only: off below');
SELECT is(pg_temp.at('X', 'Auditor', 'read_reports'), 'e0l0r0x0p-s-d-', 'self only: off two below');
SELECT pg_temp.ov('S', 'Auditor', 'read_reports', true, false, false, true);
SELECT is(pg_temp.at('S', 'Auditor', 'read_reports'), 'e1l0r0x1p1s0d1',
          'row on S: prior_default is the nearest ancestor row (self-only = on)');
SELECT is(pg_temp.at('X', 'Auditor', 'read_reports'), 'e1l0r0x0p-s1d1', 'nearest row decides below');
SELECT pg_temp.ov('R', 'Auditor', 'read_reports', false);
SELECT is(pg_temp.at('S', 'Auditor', 'read_reports'), 'e1l0r0x1p0s0d1', 'prior_default false under a deny');
SELECT pg_temp.ov('S', 'Auditor', 'read_reports', false);
SELECT is(pg_temp.at('X', 'Auditor', 'read_reports'), 'e0l0r0x0p-s-d-', 'deny at S');
SELECT is(pg_temp.at('S2', 'Auditor', 'read_reports'), 'e0l0r0x0p-s-d-', 'sibling only sees R');

-- ---------------------------------------------------------------------------------------------------------
-- Locks
-- ---------------------------------------------------------------------------------------------------------
SELECT pg_temp.ov('S', 'TeacherEnrollment', 'read_forum', false, true);
SELECT is(pg_temp.at('S', 'TeacherEnrollment', 'read_forum'), 'e0l1r0x1p1s-d-', 'lock set on S: not readonly');
SELECT is(pg_temp.at('X', 'TeacherEnrollment', 'read_forum'), 'e0l1r1x0p-s-d-', 'locked above: readonly');
SELECT pg_temp.ov('X', 'TeacherEnrollment', 'read_forum', true);
SELECT is(pg_temp.at('X', 'TeacherEnrollment', 'read_forum'), 'e0l1r1x0p-s-d-', 'a row under a lock is ignored');
SELECT is(pg_temp.at('R', 'TeacherEnrollment', 'read_forum'), 'e1l0r0x0p-s1d1', 'a lock does not go up');
SELECT pg_temp.ov('R', 'TeacherEnrollment', 'read_forum', true, true, true, false);
SELECT is(pg_temp.at('X', 'TeacherEnrollment', 'read_forum'), 'e1l1r1x0p-s1d0',
          'the topmost lock decides; a locked self-only grant shows on below');
SELECT is(pg_temp.at('S', 'TeacherEnrollment', 'read_forum'), 'e1l1r1x0p-s1d0', 'even over a row and lock on S');
SELECT pg_temp.ov('R', 'StudentEnrollment', 'read_question_banks', true, true);
SELECT is(pg_temp.at('S', 'StudentEnrollment', 'read_question_banks'), 'e0l1r1x0p-s-d-',
          'a hard lock ignores overrides');

-- Many roles in one query
SELECT is((SELECT count(DISTINCT role_id) FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'X'),
            ARRAY(SELECT id FROM roles))), (SELECT count(*) FROM roles), 'one query answers for every role');
SELECT is((SELECT enabled FROM rd_canvas_resolve((SELECT id FROM ids WHERE name = 'X'), ARRAY(SELECT id FROM roles))
            WHERE role_id = (SELECT id FROM ids WHERE name = 'TeacherEnrollment') AND permission = 'read_forum'),
          true, 'and agrees with the single-role answer');
-- Role JSON leaves the database with its head and its permissions in compact forms (expanded by the C edge,
-- tested in tests/unit/test_canvas_json.c and end to end): {"@R<id>|...@ and @base|root|hidden|ord:state,...@
CREATE FUNCTION pg_temp.pairs(p_body text) RETURNS TABLE (ord int, state int) LANGUAGE sql AS $$
    SELECT split_part(x, ':', 1)::int, split_part(x, ':', 2)::int
      FROM unnest(string_to_array(split_part(substring(p_body FROM '"permissions":@([^@]*)@'), '|', 4), ',')) x $$;
SELECT is((SELECT substring(body FROM '"permissions":@([^|]*\|[01]\|[^|]*)\|')
             FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'X')),
                                         ARRAY[(SELECT id FROM ids WHERE name = 'TeacherEnrollment')])),
          'TeacherEnrollment|0|D', 'the compact form names the base, the kind of account and the default conditions');
SELECT is((SELECT p.state FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'X')),
             ARRAY[(SELECT id FROM ids WHERE name = 'TeacherEnrollment')]) x, pg_temp.pairs(x.body) p
            WHERE p.ord = (SELECT ord FROM canvas_permissions WHERE name = 'read_forum')),
          1 | 4 | 8, 'the rendered state matches the resolution (self only, locked, readonly)');
SELECT ok((SELECT bool_and(regexp_replace(regexp_replace(x.body, '"permissions":@[^@]*@', '"permissions":{}'),
                                          '^\{"@R[^@]*@,', '{')::json ->> 'permissions' IS NOT NULL)
             FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'S')),
                                         ARRAY(SELECT id FROM roles)) x), 'rendered JSON of every role parses');
SELECT is((SELECT count(*) FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'S')),
                                                       ARRAY(SELECT id FROM roles)) x,
                                pg_temp.pairs(x.body) p
             JOIN canvas_permissions c ON c.ord = p.ord
             JOIN rd_canvas_resolve((SELECT id FROM ids WHERE name = 'S'), ARRAY[x.role_id]) r
               ON r.permission = c.name
            WHERE (p.state & 3 <> 0) IS DISTINCT FROM r.enabled OR (p.state & 4 <> 0) IS DISTINCT FROM r.locked
               OR (p.state & 16 <> 0) IS DISTINCT FROM r.explicit),
          0::bigint, 'every override state in the compact form agrees with rd_canvas_resolve, for every role');
SELECT ok((SELECT count(*) FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'S')),
                                                       ARRAY(SELECT id FROM roles)) x, pg_temp.pairs(x.body) p) > 0,
          'and there are override states to compare');

-- ---------------------------------------------------------------------------------------------------------
-- Deep (100 levels), wide (100k accounts), cycles
-- ---------------------------------------------------------------------------------------------------------
SELECT pg_temp.acct('D1', 'R');
SELECT pg_temp.acct('D' || n, 'D' || (n - 1)) FROM generate_series(2, 100) n;
SELECT is(cardinality(rd_canvas_chain((SELECT id FROM ids WHERE name = 'D100'))), 101, 'chain of depth 100');
SELECT pg_temp.ov('D' || n, 'Auditor', 'view_statistics', n % 2 = 0) FROM generate_series(1, 99) n;
SELECT is(pg_temp.at('D100', 'Auditor', 'view_statistics'), 'e0l0r0x0p-s-d-', 'depth 100: nearest row (D99, deny)');
SELECT is(pg_temp.at('D99', 'Auditor', 'view_statistics'), 'e0l0r0x1p1s-d-', 'D99 explicit, prior from D98');
SELECT pg_temp.ov('D3', 'Auditor', 'view_statistics', true, true);
SELECT pg_temp.ov('D50', 'Auditor', 'view_statistics', false, true);
SELECT is(pg_temp.at('D100', 'Auditor', 'view_statistics'), 'e1l1r1x0p-s1d1', 'depth 100: the topmost lock (D3)');
CREATE TEMP TABLE timing (what text, ms numeric);
GRANT ALL ON timing TO rolesd_app, rolesd_owner;
DO $$
DECLARE t0 timestamptz := clock_timestamp(); b text;
BEGIN
    SELECT x.body INTO b FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'D100')),
                                                     ARRAY(SELECT id FROM roles)) x LIMIT 1;
    INSERT INTO timing VALUES ('deep', extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;
SELECT ok((SELECT ms FROM timing WHERE what = 'deep') < 2000, 'every role at depth 100 in well under 2 s');

INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
SELECT rd_tenant(), 'W' || g, (SELECT id FROM ids WHERE name = 'S2'), (SELECT root_account_id FROM t)
  FROM generate_series(1, 100000) g;
INSERT INTO ids SELECT 'W77777', id FROM accounts WHERE name = 'W77777';
SELECT pg_temp.ov('S2', 'Auditor', 'view_statistics', true, true);
DO $$
DECLARE t0 timestamptz := clock_timestamp(); s text;
BEGIN
    s := pg_temp.at('W77777', 'Auditor', 'view_statistics');
    INSERT INTO timing VALUES ('wide', extract(epoch FROM clock_timestamp() - t0) * 1000);
END $$;
SELECT is(pg_temp.at('W77777', 'Auditor', 'view_statistics'), 'e1l1r1x0p-s1d1', 'wide tree: the lock on S2 applies');
SELECT is(cardinality(rd_canvas_chain((SELECT id FROM ids WHERE name = 'W77777'))), 3, 'wide tree: chain of 3');
SELECT ok((SELECT ms FROM timing WHERE what = 'wide') < 500, 'one of 100k siblings resolves quickly');

-- A cycle in corrupt data: C1 -> C2 -> C1 (the core CHECKs only forbid a self-parent)
SELECT pg_temp.acct('C1', 'R'), pg_temp.acct('C2', 'C1');
UPDATE accounts SET parent_account_id = (SELECT id FROM ids WHERE name = 'C2') WHERE id = (SELECT id FROM ids WHERE name = 'C1');
SELECT is(cardinality(rd_canvas_chain((SELECT id FROM ids WHERE name = 'C2'))), 2, 'a cycle ends the chain');
SELECT pg_temp.ov('C1', 'Auditor', 'read_roster', true, true);
SELECT is(pg_temp.at('C2', 'Auditor', 'read_roster'), 'e1l1r1x0p-s1d1', 'and resolution terminates on it');
SELECT ok(NOT rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT id FROM ids WHERE name = 'C2'),
                                 'manage_role_overrides'), 'a cut-off subtree is not under the root admin');

-- ---------------------------------------------------------------------------------------------------------
-- The caller's effective permission (§3.3)
-- ---------------------------------------------------------------------------------------------------------
RESET ROLE;
INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
SELECT tenant_id, 'Sub Admin', 'x', 'x', 'subadmin', root_account_id FROM t;
SET ROLE rolesd_owner;
INSERT INTO ids SELECT 'u', id FROM users WHERE login_id = 'subadmin';
INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
VALUES (rd_tenant(), (SELECT id FROM ids WHERE name = 'S'), (SELECT id FROM ids WHERE name = 'u'),
        (SELECT id FROM ids WHERE name = 'Auditor'));
CREATE FUNCTION pg_temp.has(p_acct text, p_perm text) RETURNS boolean LANGUAGE sql AS $$
    SELECT rd_canvas_user_has((SELECT id FROM ids WHERE name = 'u'), (SELECT id FROM ids WHERE name = p_acct), p_perm) $$;
SELECT ok(rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT id FROM ids WHERE name = 'D100'),
                             'manage_role_overrides'), 'root AccountAdmin holds manage_role_overrides at depth 100');
SELECT ok(NOT pg_temp.has('S', 'manage_role_overrides'), 'custom role: off by default');
SELECT pg_temp.ov('R', 'Auditor', 'manage_role_overrides', true);
SELECT ok(pg_temp.has('S', 'manage_role_overrides') AND pg_temp.has('X', 'manage_role_overrides'),
          'granted at R: holds at S and below');
SELECT ok(NOT pg_temp.has('R', 'manage_role_overrides'), 'but not above the membership');
SELECT ok(NOT pg_temp.has('S2', 'manage_role_overrides'), 'nor on a sibling');
SELECT pg_temp.ov('X', 'Auditor', 'manage_role_overrides', false);
SELECT ok(pg_temp.has('X', 'manage_role_overrides'), 'a sub-account cannot revoke a grant made above');
SELECT pg_temp.ov('S', 'Auditor', 'manage_role_overrides', false);
SELECT ok(NOT pg_temp.has('S', 'manage_role_overrides'), 'a deny at the membership account revokes');
SELECT pg_temp.ov('X', 'Auditor', 'manage_role_overrides', true);
SELECT ok(pg_temp.has('X', 'manage_role_overrides'), 'a grant below the membership adds');
SELECT pg_temp.ov('S', 'Auditor', 'manage_role_overrides', true, false, true, false);
DELETE FROM role_overrides WHERE account_id = (SELECT id FROM ids WHERE name = 'X');
SELECT ok(pg_temp.has('S', 'manage_role_overrides') AND NOT pg_temp.has('X', 'manage_role_overrides'),
          'a self-only grant holds at S only');
SELECT pg_temp.ov('R', 'Auditor', 'manage_role_overrides', false, true);
SELECT ok(NOT pg_temp.has('S', 'manage_role_overrides'), 'a lock above the membership decides');
SELECT pg_temp.ov('R', 'Auditor', 'become_user', true);
SELECT ok(NOT pg_temp.has('S', 'become_user'), 'root-only permissions never come through a sub-account membership');
SELECT ok(rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT id FROM ids WHERE name = 'R'), 'become_user'),
          'but do through a root membership');
SELECT ok(NOT rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT id FROM ids WHERE name = 'R'),
                                 'manage_jobs'), 'site-admin-only permissions: never');
SELECT ok(NOT rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT id FROM ids WHERE name = 'R'), 'nope'),
          'unknown permission: never');

-- ---------------------------------------------------------------------------------------------------------
-- Endpoint functions: error codes in pipeline order
-- ---------------------------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT rd_canvas_roles_show('424242', 'nope', 'manage_role_overrides')$$, 'RD404', NULL,
                 'unknown account first');
SELECT throws_ok($$SELECT rd_canvas_roles_show('self', 'nope', 'manage_role_overrides')$$, 'RDR04', NULL, 'then the role');
SELECT set_config('rolesd.user_id', (SELECT id FROM ids WHERE name = 'u')::text, false);
SELECT throws_ok($$SELECT rd_canvas_roles_show('self', 'TeacherEnrollment', 'manage_role_overrides')$$, 'RD403', NULL,
                 'then the permission');
SELECT set_config('rolesd.user_id', '', false);
SELECT throws_ok($$SELECT rd_canvas_roles_show('self', 'TeacherEnrollment', 'manage_role_overrides')$$, 'RDU01', NULL,
                 'anonymous');
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);
-- GET role's one statement (0009): every form of both ids answers what the renderer says for the role
SELECT is((SELECT count(DISTINCT s.body) FROM (VALUES
              ((SELECT id FROM ids WHERE name = 'S')::text, (SELECT id FROM ids WHERE name = 'Auditor')::text),
              ((SELECT id FROM ids WHERE name = 'S')::text, 'Auditor'),
              (' ' || (SELECT id FROM ids WHERE name = 'S') || ' ', 'Auditor'),
              ((SELECT id FROM ids WHERE name = 'S')::text, '0' || (SELECT id FROM ids WHERE name = 'Auditor')))
           v(a, r), rd_canvas_role_show(v.a, v.r, 'manage_role_overrides') s), 1::bigint,
          'role show: numeric, name, padded and zero-padded ids give one body');
SELECT is((SELECT body FROM rd_canvas_role_show((SELECT id FROM ids WHERE name = 'S')::text, 'Auditor',
                                                'manage_role_overrides')),
          (SELECT body FROM rd_canvas_roles_render(rd_canvas_chain((SELECT id FROM ids WHERE name = 'S')),
                                                   ARRAY[(SELECT id FROM ids WHERE name = 'Auditor')])),
          'role show = the renderer at that account');
SELECT is((SELECT body FROM rd_canvas_role_show('self', 'TeacherEnrollment', NULL)),
          (SELECT body FROM rd_canvas_roles_render(ARRAY[(SELECT id FROM ids WHERE name = 'R')],
                                                   ARRAY[(SELECT id FROM ids WHERE name = 'TeacherEnrollment')])),
          'role show: self and a built-in name');
SELECT throws_ok($$SELECT * FROM rd_canvas_role_show('99999999999999999999', '1', NULL)$$, 'RD404', NULL,
                 'role show: an account id past bigint');
SELECT pg_temp.role('Gone', 'AccountMembership');
UPDATE roles SET workflow_state = 'deleted' WHERE id = (SELECT id FROM ids WHERE name = 'Gone');
SELECT throws_ok(format($$SELECT * FROM rd_canvas_role_show('self', '%s', NULL)$$,
                        (SELECT id FROM ids WHERE name = 'Gone')), 'RDR04', NULL,
                 'role show: a deleted role');
SELECT throws_ok($$SELECT rd_canvas_roles_create('self', 'manage_role_overrides', NULL, 'x', NULL, 'Bogus', NULL)$$,
                 'RD422', NULL, 'invalid base type: model error');
SELECT throws_ok($$SELECT rd_canvas_roles_create('self', 'manage_role_overrides', NULL, ' ', NULL, NULL, NULL)$$,
                 'RD400', NULL, 'missing role');
SELECT throws_ok($$SELECT rd_canvas_roles_update('self', 'Auditor', 'manage_role_overrides', NULL, NULL,
                   '[["manage_wiki_create",1,1,1,-1,-1,-1]]')$$, 'RD400', NULL, 'locked on a granular permission');
SELECT is((SELECT total FROM rd_canvas_roles_list('self', 'manage_role_overrides', NULL, true, false, false, 1, 10)),
          (SELECT 6 + count(*) FROM roles WHERE account_id = (SELECT id FROM ids WHERE name = 'R')
              AND workflow_state = 'active'), 'list total: 6 built-ins + active roles on the account');
SELECT throws_ok($$SELECT * FROM rd_canvas_roles_list('self', 'manage_role_overrides', NULL, true, false, false, 0, 10)$$,
                 'RDP04', NULL, 'page 0');

SELECT * FROM finish();
