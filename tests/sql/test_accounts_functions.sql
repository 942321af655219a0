-- Accounts / users / admins functions of 0005 as the service role: bookmarks, subtree, the tree staying a
-- tree, validation writing nothing, and explain for "custom account role without read_course_content".
SELECT no_plan();
CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Acct', ARRAY['acct.test'], 'Root Admin', repeat('a', 64), 'aaaaa');
INSERT INTO t SELECT * FROM rd_tenant_create('Other', ARRAY['other.test'], 'Other Admin', repeat('b', 64), 'bbbbb');
GRANT SELECT ON t TO rolesd_app, rolesd_owner;
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT min(admin_user_id) FROM t)::text, false);

SELECT is(rd_bookmark_decode(rd_bookmark_encode('["Smith, Ann", 42]'::jsonb)), '["Smith, Ann", 42]'::jsonb,
          'bookmarks round-trip');
SELECT ok(rd_bookmark_encode('[1]'::jsonb) ~ '^bk[A-Za-z0-9_-]+$', 'bookmarks are URL-safe');
SELECT throws_ok($$SELECT rd_bookmark_decode('bk!!')$$, 'RDP04', NULL, 'a malformed bookmark is page-not-found');
SELECT throws_ok($$SELECT rd_bookmark_int(rd_bookmark_decode(rd_bookmark_encode('["x"]'::jsonb)), 0)$$, 'RDP04', NULL,
                 'a bookmark of the wrong shape is page-not-found');
SELECT is(rd_sortable_name('Ann Marie Smith'), 'Smith, Ann Marie', 'sortable name: last word first');
SELECT is(rd_sortable_name('Cher'), 'Cher', 'sortable name of one word');

CREATE TEMP TABLE a (k text, id bigint);
INSERT INTO a SELECT 'A', (rd_accounts_sub_create('self', 'manage_account_settings', 'A', 'SIS-A')::json ->> 'id')::bigint;
INSERT INTO a SELECT 'B', (rd_accounts_sub_create((SELECT id FROM a WHERE k = 'A')::text, 'manage_account_settings', 'B', NULL)::json ->> 'id')::bigint;
INSERT INTO a SELECT 'C', (rd_accounts_sub_create('sis_account_id:SIS-A', 'manage_account_settings', 'C', NULL)::json ->> 'id')::bigint;
SELECT is((SELECT count(*) FROM rd_account_subtree((SELECT root_account_id FROM t ORDER BY tenant_id LIMIT 1), true)),
          3::bigint, 'recursive subtree of the root');
SELECT is((SELECT count(*) FROM rd_account_subtree((SELECT root_account_id FROM t ORDER BY tenant_id LIMIT 1), false)),
          1::bigint, 'direct children only');
SELECT throws_ok(format($$SELECT rd_accounts_update('%s', 'manage_account_settings', NULL, NULL, '%s')$$,
                        (SELECT id FROM a WHERE k = 'A'), (SELECT id FROM a WHERE k = 'B')),
                 'RD422', NULL, 'an account cannot move under its descendant');
SELECT throws_ok(format($$SELECT rd_accounts_update('%s', 'manage_account_settings', NULL, NULL, '%s')$$,
                        (SELECT id FROM a WHERE k = 'A'), (SELECT id FROM a WHERE k = 'A')),
                 'RD422', NULL, 'nor under itself');
SELECT throws_ok(format($$SELECT rd_accounts_sub_delete('self', 'manage_account_settings', '%s')$$,
                        (SELECT id FROM a WHERE k = 'A')), 'RD409', NULL, 'no delete while sub-accounts exist');
SELECT throws_ok($$SELECT rd_accounts_sub_create('self', 'manage_account_settings', 'Dup', 'SIS-A')$$,
                 'RD422', NULL, 'SIS ids are unique in the tenant');
SELECT is((SELECT count(*) FROM accounts WHERE name = 'Dup'), 0::bigint, 'and nothing was written');
SELECT throws_ok(format($$SELECT rd_accounts_show('%s', 'read')$$, (SELECT max(root_account_id) FROM t)),
                 'RD404', NULL, 'another tenant''s account is not found');

-- permission errors name the permission
SELECT set_config('rolesd.user_id', '', false);
SELECT throws_ok($$SELECT rd_accounts_show('self', 'read')$$, 'RDU01', NULL, 'anonymous: unauthenticated');
RESET ROLE;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
INSERT INTO users (tenant_id, name, login_id, account_id) SELECT min(tenant_id), 'Aud', 'aud', min(root_account_id) FROM t;
INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
SELECT tenant_id, root_account_id, root_account_id, 'Auditor', 'AccountMembership', 'active' FROM t ORDER BY tenant_id LIMIT 1;
INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
SELECT u.tenant_id, u.account_id, u.id, r.id FROM users u, roles r WHERE u.login_id = 'aud' AND r.name = 'Auditor';
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT set_config('rolesd.user_id', (SELECT id FROM users WHERE login_id = 'aud')::text, false);
CREATE FUNCTION pg_temp.detail(stmt text) RETURNS json LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
    EXECUTE stmt;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
    RETURN d::json;
END $$;
SELECT is(pg_temp.detail($$SELECT rd_accounts_sub_create('self', 'manage_account_settings', 'X', NULL)$$) ->> 'permission',
          'manage_account_settings', 'RD403 DETAIL names the permission');
SELECT is((pg_temp.detail($$SELECT rd_accounts_sub_create('self', 'manage_account_settings', 'X', NULL)$$) ->> 'account_id')::bigint,
          (SELECT min(root_account_id) FROM t), 'and the account');

-- explain: custom account role without read_course_content asks for it
CREATE TEMP TABLE e AS SELECT rd_permissions_explain('self', 'manage_role_overrides', 'read_course_content', NULL)::jsonb AS j;
SELECT is((SELECT j ->> 'granted' FROM e), 'false', 'explain: not granted');
SELECT is((SELECT j #>> '{memberships,0,role}' FROM e), 'Auditor', 'explain: the Auditor membership');
SELECT is((SELECT j #>> '{memberships,0,reason}' FROM e), 'not_granted', 'explain: off by default, no override');
SELECT ok((SELECT j -> 'would_grant' -> 'roles' @> '[{"role": "AccountAdmin"}]' FROM e),
          'explain: AccountAdmin would grant it');
SELECT ok((SELECT NOT (j -> 'would_grant' -> 'roles' @> '[{"role": "Auditor"}]') FROM e),
          'explain: Auditor would not');
SELECT is((SELECT jsonb_array_length(j #> '{would_grant,overrides,0,change_allowed_at}') FROM e), 1,
          'explain: an override on the root would be allowed');
SELECT throws_ok($$SELECT rd_permissions_explain('self', 'manage_role_overrides', 'nope', NULL)$$, 'RD404', NULL,
                 'explain: unknown permission');
SELECT throws_ok(format($$SELECT rd_permissions_explain('self', 'manage_role_overrides', 'read_roster', '%s')$$,
                        (SELECT min(admin_user_id) FROM t)), 'RD403', NULL, 'explain for someone else needs manage_role_overrides');
SELECT is((SELECT array_agg(k ORDER BY k) FROM json_object_keys(
               rd_permissions_explain('self', 'manage_role_overrides', 'read_course_content', NULL)::json) k),
          ARRAY['account_id', 'conditions', 'granted', 'memberships', 'permission', 'user_id', 'would_grant'],
          'explain: the documented keys');
SELECT is((SELECT k FROM json_object_keys(
               rd_permissions_explain('self', 'manage_role_overrides', 'read_course_content', NULL)::json) k LIMIT 1),
          'permission', 'explain: permission first, as documented');

-- admins list filter: numbers, self and sis_user_id:<v>, as Canvas' api_find_all; others a 400
SELECT set_config('rolesd.user_id', (SELECT min(admin_user_id) FROM t)::text, false);
RESET ROLE;
UPDATE users SET sis_user_id = 'AUD-SIS' WHERE login_id = 'aud';
SET ROLE rolesd_owner;
SELECT set_config('rolesd.tenant_id', (SELECT min(tenant_id) FROM t)::text, false);
SELECT is((SELECT body::json -> 0 -> 'user' ->> 'login_id'
             FROM rd_admins_list('self', 'manage_account_memberships', ARRAY['sis_user_id:AUD-SIS'], NULL, 10)),
          'aud', 'admins list: user_id[] takes sis_user_id:');
SELECT is((SELECT json_array_length(body::json)
             FROM rd_admins_list('self', 'manage_account_memberships', ARRAY['self', 'sis_user_id:nobody'], NULL, 10)),
          1, 'admins list: self, and an id of nobody matches nothing');
SELECT throws_ok($$SELECT * FROM rd_admins_list('self', 'manage_account_memberships', ARRAY['x'], NULL, 10)$$,
                 'RD400', NULL, 'admins list: another form is a 400');

-- users list: a user whose home account was deleted is the root's
SELECT set_config('rolesd.user_id', (SELECT min(admin_user_id) FROM t)::text, false);
CREATE TEMP TABLE home AS
SELECT (rd_accounts_sub_create('self', 'manage_account_settings', 'Home', NULL)::json ->> 'id')::bigint AS id;
SELECT lives_ok(format($$SELECT rd_users_create('%s', 'manage_user_logins', 'Orphan Olly', NULL, NULL, 'olly', NULL)$$,
                       (SELECT id FROM home)), 'a user homed on a sub-account');
SELECT lives_ok(format($$SELECT rd_accounts_sub_delete('self', 'manage_account_settings', '%s')$$, (SELECT id FROM home)),
                'whose account is deleted');
SELECT is((SELECT body::json -> 0 ->> 'login_id' FROM rd_users_list('self', 'read_roster', 'olly', NULL, 10)),
          'olly', 'users list: still listed, under the root');
SELECT throws_ok($$SELECT * FROM rd_users_list('self', 'read_roster', 'o', NULL, 10)$$, 'RD422', NULL,
                 'users list: a 1-character search_term is Canvas'' 400');
SELECT ok((SELECT json_array_length(body::json) > 1 FROM rd_users_list('self', 'read_roster', ' ', NULL, 10)),
          'users list: a blank search_term is no search');
RESET ROLE;

SELECT * FROM finish();
