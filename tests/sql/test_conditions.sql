-- Conditions through the Feature Flags API and account settings (25_conditions.sql), and their audit rows.
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Cond', ARRAY['cond.test'], 'Root Admin', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Other', ARRAY['other.test'], 'Other Admin', repeat('b', 64), 'bbbbb');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT min(admin_user_id) FROM t)::text, false);

SELECT is(rd_condition_on('temporary_enrollments'), false, 'a feature condition off by default');
SELECT is((rd_feature_flag_write('self', 'manage_feature_flags', 'temporary_enrollments', 'on', false)::json ->> 'state'),
          'on', 'PUT flag answers the flag');
SELECT is(rd_condition_on('temporary_enrollments'), true, 'and switches the condition');
SELECT ok(NOT ('temporary_enrollments' = ANY (rd_canvas_conditions_off())), 'resolution sees it');
SELECT is((rd_feature_flag_write('self', 'manage_feature_flags', 'temporary_enrollments', 'allowed', false)::json ->> 'state'),
          'allowed', 'allowed is kept as the state');
SELECT is(rd_condition_on('temporary_enrollments'), false, 'allowed keeps a root-account feature off');
SELECT throws_ok($$SELECT rd_feature_flag_write('self', 'manage_feature_flags', 'temporary_enrollments', 'x', false)$$,
                 'RD400', NULL, 'a bad state is a 400');
SELECT throws_ok($$SELECT rd_feature_flag_show('self', 'read', 'catalog_enabled')$$, 'RD404', NULL,
                 'a setting is not a feature');
SELECT lives_ok($$SELECT rd_feature_flag_write('self', 'manage_feature_flags', 'temporary_enrollments', NULL, true)$$,
                'DELETE removes the flag');
SELECT is(rd_feature_flag_show('self', 'read', 'temporary_enrollments')::json ->> 'context_type', NULL,
          'back to the default flag');

SELECT is(rd_account_settings_apply((SELECT min(root_account_id) FROM t), '{"catalog_enabled": "1", "x": 1}'),
          '[{"setting" : "x", "ignored" : true, "reason" : "unknown_setting", "message" : "rolesd does not keep the account setting x; it was ignored"}]',
          'a setting switches its condition; an unknown one is a warning');
SELECT is(rd_condition_on('catalog_enabled'), true, 'catalog on');
SELECT is(rd_account_settings_json((SELECT min(root_account_id) FROM t)) ->> 'mfa_settings', 'disabled', 'mfa default');

SELECT is((SELECT string_agg(a.entity || ':' || a.entity_id || ':' || a.action, ' ' ORDER BY a.id) FROM audit_events a),
          'feature_flag:temporary_enrollments:update feature_flag:temporary_enrollments:update '
          'feature_flag:temporary_enrollments:delete account_setting:catalog_enabled:update',
          'every change is audited, in order');
SELECT is((SELECT count(*) FROM audit_events a WHERE a.user_id IS DISTINCT FROM (SELECT min(admin_user_id) FROM t)),
          0::bigint, 'with the caller');
SELECT throws_ok($$UPDATE audit_events SET entity = 'x'$$, 'RD409', NULL, 'audit rows cannot change');
SELECT throws_ok($$DELETE FROM audit_events$$, 'RD409', NULL, 'nor be deleted');
SELECT is(rd_audit_purge(), 0::bigint, 'the purge keeps rows younger than the retention');

SELECT set_config('rolesd.tenant_id', (SELECT max(tenant_id) FROM t)::text, false);
SELECT is(rd_condition_on('catalog_enabled'), false, 'the other tenant is untouched');
SELECT is((SELECT count(*) FROM audit_events), 0::bigint, 'and sees none of the first tenant''s audit');
RESET ROLE;
SET ROLE rolesd_app;
SELECT throws_ok($$SELECT * FROM audit_events$$, '42501', NULL, 'the application role cannot read audit rows');
SELECT throws_ok($$INSERT INTO audit_events (tenant_id, entity, action) VALUES (1, 'x', 'create')$$, '42501', NULL,
                 'nor write them directly');
RESET ROLE;
SELECT * FROM finish();
