-- No silent no-ops (issue 16): rd_canvas_apply_permissions names every ignored part of permissions[...],
-- and rd_condition_fix gives the request that switches a condition on.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Warn', ARRAY['warn.test'], 'Root Admin', repeat('a', 64), 'aaaaa');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
-- the role JSON's compact permissions marker is expanded in C: read the trailing warnings member only
CREATE FUNCTION pg_temp.warnings(body text) RETURNS json LANGUAGE sql
    AS $$ SELECT substring(body FROM ',"warnings":(\[.*\])\}$')::json $$;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA pg_temp TO rolesd_owner;
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);

CREATE TEMP TABLE s AS SELECT (rd_accounts_sub_create('self', 'manage_account_settings', 'S', NULL)::json ->> 'id')::bigint AS id;
CREATE TEMP TABLE w AS
SELECT x.value AS j
  FROM json_array_elements(pg_temp.warnings(rd_canvas_roles_update((SELECT id FROM s)::text, 'AccountAdmin', 'manage_role_overrides',
           NULL, NULL, '[["read_rosterr",1,0,-1,-1,-1,-1,[]],
                         ["become_user",1,0,-1,-1,-1,-1,[]],
                         ["read_roster",1,1,-1,-1,-1,-1,["enabeld"]],
                         ["read_reports",-1,1,-1,-1,-1,-1,[]],
                         ["manage_jobs",1,1,-1,-1,-1,-1,[]],
                         ["view_notifications",1,1,-1,-1,-1,-1,[]],
                         ["read_sis",1,1,-1,-1,-1,1,[]]]'))) x;
SELECT is((SELECT string_agg((j ->> 'permission') || ':' || (j ->> 'reason'), ' ' ORDER BY j ->> 'permission') FROM w),
          'become_user:root_account_only manage_jobs:site_admin_only read_reports:enabled_without_explicit '
          'read_roster:unknown_setting read_rosterr:unknown_permission read_sis:readonly view_notifications:condition_off',
          'every ignored part has its warning');
SELECT is((SELECT j ->> 'setting' FROM w WHERE j ->> 'reason' = 'unknown_setting'), 'enabeld', 'the unknown setting is named');
SELECT is((SELECT j ->> 'condition' FROM w WHERE j ->> 'reason' = 'condition_off'), 'admins_can_view_notifications',
          'the condition is named');
SELECT is((SELECT count(*) FROM role_overrides o WHERE o.permission IN ('read_rosterr', 'become_user', 'manage_jobs',
                                                                         'view_notifications', 'read_sis')),
          0::bigint, 'nothing ignored was written');
SELECT is((SELECT count(*) FROM role_overrides o WHERE o.permission = 'read_roster'), 1::bigint,
          'the known settings of an entry still apply');
SELECT is(pg_temp.warnings(rd_canvas_roles_update('self', 'AccountAdmin', 'manage_role_overrides', NULL, NULL,
                                 '[["read_roster",1,1,-1,-1,-1,-1,[]]]'))::text, NULL,
          'nothing ignored: no warnings key');

SELECT is(rd_condition_fix('admin_manage_access_tokens'),
          jsonb_build_object('method', 'PUT', 'path', format('/api/v1/accounts/%s/features/flags/admin_manage_access_tokens',
                                                             (SELECT root_account_id FROM t)),
                             'params', '{"state": "on"}'::jsonb), 'a feature flag is switched by the Feature Flags API');
SELECT is(rd_condition_fix('mfa_enabled') -> 'params', '{"account[settings][mfa_settings]": "optional"}'::jsonb,
          'an account setting by PUT /api/v1/accounts/:id');
SELECT is(rd_condition_fix('no_such_condition'), NULL, 'unknown condition: no fix');
SELECT * FROM finish();
