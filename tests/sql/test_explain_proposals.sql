-- explain leads to the fix (issue 16): conditions with their requests, and proposals the API accepts.
SELECT no_plan();
\set tenant Expl
\ir lib/one_tenant.sql
SELECT set_config('rolesd.user_id', (SELECT admin_user_id FROM t)::text, false);

CREATE TEMP TABLE ids (k text, v bigint);
INSERT INTO ids SELECT 'S', (rd_accounts_sub_create('self', 'manage_account_settings', 'S', NULL)::json ->> 'id')::bigint;
INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
SELECT tenant_id, root_account_id, (SELECT v FROM ids WHERE k = 'S'), 'Dept', 'AccountMembership', 'active' FROM t;
INSERT INTO ids SELECT 'R', id FROM roles WHERE name = 'Dept';
INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
SELECT tenant_id, 'Sync', 'Sync', 'Sync', 'sync', root_account_id FROM t;
INSERT INTO ids SELECT 'U', id FROM users WHERE login_id = 'sync';
INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
SELECT tenant_id, (SELECT v FROM ids WHERE k = 'S'), (SELECT v FROM ids WHERE k = 'U'), (SELECT v FROM ids WHERE k = 'R') FROM t;

CREATE TEMP TABLE e AS
SELECT rd_permissions_explain((SELECT v FROM ids WHERE k = 'S')::text, 'manage_role_overrides', 'read_roster',
                              (SELECT v FROM ids WHERE k = 'U')::text)::jsonb AS j;
SELECT is((SELECT j -> 'conditions' FROM e), '[]'::jsonb, 'no condition hides read_roster');
SELECT is((SELECT (p ->> 'account_id')::bigint FROM e, jsonb_array_elements(j -> 'would_grant' -> 'proposals') p
            WHERE p ->> 'kind' = 'override'), (SELECT v FROM ids WHERE k = 'S'),
          'a role defined on a sub-account is overridden there, never at the root');
SELECT is((SELECT p #>> '{requests,0,path}' FROM e, jsonb_array_elements(j -> 'would_grant' -> 'proposals') p
            WHERE p ->> 'kind' = 'admin' AND p ->> 'role' = 'AccountAdmin'),
          format('/api/v1/accounts/%s/admins', (SELECT v FROM ids WHERE k = 'S')), 'AccountAdmin on the account');

UPDATE e SET j = rd_permissions_explain('self', 'manage_role_overrides', 'temporary_enrollments_add', NULL)::jsonb;
SELECT is((SELECT j #>> '{conditions,0,condition}' FROM e), 'temporary_enrollments', 'the hiding condition is named');
SELECT is((SELECT j #>> '{conditions,0,request,path}' FROM e),
          format('/api/v1/accounts/%s/features/flags/temporary_enrollments', (SELECT root_account_id FROM t)),
          'with the request that switches it');
SELECT is((SELECT j #>> '{would_grant,proposals,0,kind}' FROM e), 'condition',
          'the AccountAdmin needs only the condition');
SELECT is(current_setting('rolesd.assume_conditions_on', true), '', 'explain leaves no assumption behind');
SELECT ok(NOT rd_canvas_user_has((SELECT admin_user_id FROM t), (SELECT root_account_id FROM t), 'temporary_enrollments_add'),
          'and the condition is still off');
SELECT * FROM finish();
