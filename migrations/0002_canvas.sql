-- 0002_canvas: the Canvas LMS Roles API (canvas-roles.md): the permission catalogue as data, per-tenant
-- permission conditions, the resolution function (§3), the caller's effective permission (§3.3) and one
-- SQL function per endpoint (§2).
--
-- Every endpoint function is ONE statement after rd_ctx (one round trip, one transaction). Pipeline of each:
-- resolve the URL account (RD404), resolve the role where there is one (RDR04), check the caller (RDU01
-- anonymous, RD403 + DETAIL {"permission","account_id"}), then raise the parameter error the C edge found
-- (RD400; passed in as p_bad so that it comes after authorisation, as in Canvas), validate (RD400 with the
-- spec's message, RD422 with the Canvas model-error body as DETAIL), write, and return compact JSON text.
--
-- Resolution state of one (role, permission) as seen from account C is a small bit set, so that the JSON of
-- a permission is a precomputed fragment chosen by index rather than an object built per request:
--   1 applies_to_self, 2 applies_to_descendants (enabled = 1|2 set), 4 locked, 8 readonly, 16 explicit,
--   32 prior_default (meaningful only with 16).
--
-- Per-tenant conditions: tenants.settings -> 'canvas_conditions' -> <condition name> = JSON boolean
-- (canvas_conditions lists the names and the defaults, which follow a fresh root account on hosted Canvas).
--
-- Used by other migrations (0005: admins and permission checks): rd_permission_defaults,
-- rd_manageable_permissions, rd_canvas_user_has, rd_canvas_writable, rd_canvas_account_json and the
-- canvas_permissions table. rd_account_chain (0001) is replaced here by an equivalent that probes the primary
-- key per level (see there).

-- ---------------------------------------------------------------------------------------------------------
-- Catalogue (canvas-roles.md §4.3, §4.4): static data, identical for every tenant
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE canvas_permission_groups (
    name  text PRIMARY KEY,
    label text NOT NULL,
    ord   int NOT NULL UNIQUE
);

INSERT INTO canvas_permission_groups (ord, name, label) VALUES
    (1, 'users_manage_access_tokens', 'Users - Manage Access Tokens'),
    (2, 'manage_courses', 'Manage Courses'),
    (3, 'manage_lti', 'Manage LTI'),
    (4, 'manage_course_teacher_enrollments', 'Users - Teachers'),
    (5, 'manage_course_ta_enrollments', 'Users - TAs'),
    (6, 'manage_course_observer_enrollments', 'Users - Observers'),
    (7, 'manage_course_designer_enrollments', 'Users - Designers'),
    (8, 'manage_assignments_and_quizzes', 'Manage Assignments and Quizzes'),
    (9, 'manage_account_calendar', 'Manage Account Calendars'),
    (10, 'manage_course_content', 'Manage Course Content'),
    (11, 'manage_course_templates', 'Manage Course Templates'),
    (12, 'manage_files', 'Manage Course Files'),
    (13, 'manage_groups', 'Manage Groups'),
    (14, 'manage_differentiation_tags', 'Manage Differentiation Tags'),
    (15, 'manage_sections', 'Manage Course Sections'),
    (16, 'manage_course_student_enrollments', 'Users - Students'),
    (17, 'manage_temporary_enrollments', 'Users - Temporary Enrollments'),
    (18, 'manage_wiki', 'Manage Pages'),
    (19, 'view_advanced_analytics', 'Intelligent Insights');

-- Conditions (Canvas account_allows / enabled_for_plugin): per-tenant booleans. A tenant's value lives in
-- tenants.settings -> 'canvas_conditions' -> <name> (a JSON boolean); absent = default_on, which mirrors a
-- fresh root account on current hosted Canvas (2024-2025). A permission whose condition is off is hidden
-- from role JSON, not writable, and locked off for everybody.
CREATE TABLE canvas_conditions (
    name        text PRIMARY KEY,
    default_on  boolean NOT NULL,
    description text NOT NULL
);

INSERT INTO canvas_conditions (name, default_on, description) VALUES
    ('admin_manage_access_tokens', false, 'root-account feature admin_manage_access_tokens (opt-in)'),
    ('catalog_enabled', false, 'account setting catalog_enabled (Catalog is a separate product)'),
    ('course_archival', false, 'root-account feature course_archival (not released)'),
    ('plugin_assignment_freezer', false, 'plugin assignment_freezer enabled (off unless installed)'),
    ('lti_registrations_page', true, 'feature lti_registrations_page (released: the LTI Apps page)'),
    ('enable_dsr_requests', false, 'feature enable_dsr_requests (hidden)'),
    ('mfa_enabled', false, 'account MFA setting is not "disabled" (the default is disabled)'),
    ('admins_can_view_notifications', false, 'account setting admins_can_view_notifications'),
    ('new_quizzes_subaccount_sharing_permission', false, 'site-admin feature new_quizzes_subaccount_sharing_permission'),
    ('differentiation_tags', false, 'account allows differentiation tags (opt-in)'),
    ('temporary_enrollments', false, 'root-account feature temporary_enrollments (opt-in)'),
    ('proxy_file_uploads', false, 'site-admin feature proxy_file_uploads'),
    ('quiz_log_auditing', true, 'feature quiz_log_auditing is allowed (it is, on hosted Canvas)'),
    ('admin_analytics_view_permission', false, 'feature admin_analytics_view_permission (paid Admin Analytics)'),
    ('analytics_hub', false, 'feature analytics_hub'),
    ('advanced_analytics_ask_questions', false, 'feature advanced_analytics_ask_questions'),
    ('k20_students_in_need_of_attention', false, 'feature k20_students_in_need_of_attention'),
    ('k20_course_readiness', false, 'feature k20_course_readiness'),
    ('title_iv_financial_aid_report', false, 'feature title_iv_financial_aid_report'),
    ('block_editor', false, 'feature block_editor'),
    ('block_template_editor', false, 'feature block_template_editor'),
    ('horizon_bulk_api_permission', false, 'root-account feature horizon_bulk_api_permission');

-- The registry (§4.4), in registry order. account_only: none | account | root | site_admin. available_to and
-- true_for hold base role types (AccountMembership is available everywhere and true nowhere; letters of the
-- course column: upper-case = both, lower-case = available only). conditions: every one must be on.
-- json_root_only: omitted from role JSON on sub-accounts (manage_developer_keys). json_head / json_tail are
-- the fixed text around a permission's state fragment in role JSON.
CREATE TABLE canvas_permissions (
    ord            int PRIMARY KEY,
    name           text NOT NULL UNIQUE,
    label          text NOT NULL,
    account_only   text NOT NULL CHECK (account_only IN ('none', 'account', 'root', 'site_admin')),
    available_to   text[] NOT NULL,
    true_for       text[] NOT NULL,
    grp            text REFERENCES canvas_permission_groups,
    conditions     text[] NOT NULL DEFAULT '{}',
    json_root_only boolean NOT NULL DEFAULT false,
    json_head      text GENERATED ALWAYS AS ('"' || name || '":{') STORED,
    json_tail      text GENERATED ALWAYS AS (CASE WHEN grp IS NULL THEN '}' ELSE ',"group":"' || grp || '"}' END) STORED
);
CREATE INDEX canvas_permissions_grp ON canvas_permissions (grp) WHERE grp IS NOT NULL;

INSERT INTO canvas_permissions (ord, name, label, account_only, available_to, true_for, grp, conditions) VALUES
    (1, 'become_user', 'Users - act as', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (2, 'import_sis', 'SIS Data - import', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (3, 'create_access_tokens', 'Access Tokens - create / update', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'users_manage_access_tokens', '{admin_manage_access_tokens}'),
    (4, 'delete_access_tokens', 'Access Tokens - delete', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'users_manage_access_tokens', '{admin_manage_access_tokens}'),
    (5, 'manage_account_memberships', 'Admins - add / remove', 'account', '{AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (6, 'manage_account_settings', 'Account-level settings - manage', 'account', '{AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (7, 'manage_alerts', 'Global Announcements - add / edit / delete', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (8, 'manage_catalog', 'Catalog - manage', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{catalog_enabled}'),
    (9, 'manage_courses_admin', 'Courses - manage / update', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_courses', '{}'),
    (10, 'manage_courses_add', 'Courses - add', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_courses', '{}'),
    (11, 'manage_courses_publish', 'Courses - publish', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', 'manage_courses', '{}'),
    (12, 'manage_courses_conclude', 'Courses - conclude', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', 'manage_courses', '{}'),
    (13, 'manage_courses_reset', 'Courses - reset', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', 'manage_courses', '{}'),
    (14, 'manage_courses_delete', 'Courses - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', 'manage_courses', '{}'),
    (15, 'undelete_courses', 'Courses - undelete', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (16, 'view_archived_courses', 'Courses - view archived', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', 'manage_courses', '{course_archival}'),
    (17, 'manage_data_services', 'Data Services - manage', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (18, 'manage_course_visibility', 'Courses - change visibility', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (19, 'manage_developer_keys', 'Developer Keys - manage', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (20, 'moderate_user_content', 'Users - moderate content', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (21, 'view_feature_flags', 'Feature Options - view', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (22, 'manage_feature_flags', 'Feature Options - enable / disable', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (23, 'manage_frozen_assignments', 'Manage (edit / delete) frozen assignments', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{plugin_assignment_freezer}'),
    (24, 'manage_global_outcomes', 'Manage global learning outcomes', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (25, 'manage_jobs', 'Manage background jobs', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (26, 'manage_lti_registrations', 'LTI Registrations - Manage', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{lti_registrations_page}'),
    (27, 'manage_release_notes', 'Manage release notes', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (28, 'manage_master_courses', 'Blueprint Courses - add / edit / associate / delete', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (29, 'manage_role_overrides', 'Permissions - manage', 'account', '{AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (30, 'manage_storage_quotas', 'Storage Quotas - manage', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (31, 'manage_sis', 'SIS Data - manage', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (32, 'manage_site_settings', 'Manage site-wide and plugin settings', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (33, 'manage_internal_settings', 'Manage environment-wide internal settings', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (34, 'manage_user_logins', 'Users - manage login details', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (35, 'manage_dsr_requests', 'Users - create DSR export', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{enable_dsr_requests}'),
    (36, 'manage_user_observers', 'Users - manage observers', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (37, 'read_course_content', 'Course Content - view', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (38, 'read_course_list', 'Courses - view list', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (39, 'read_messages', 'View notifications sent to users', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (40, 'reset_any_mfa', 'Reset Multi-Factor Authentication', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{mfa_enabled}'),
    (41, 'view_course_changes', 'Courses - view change logs', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (42, 'view_error_reports', 'View error reports', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (43, 'view_grade_changes', 'Grades - view change logs', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (44, 'view_jobs', 'View background jobs', 'site_admin', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (45, 'view_notifications', 'Notifications - view', 'account', '{AccountAdmin,AccountMembership}', '{}', NULL, '{admins_can_view_notifications}'),
    (46, 'view_statistics', 'Statistics - view', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (47, 'create_collaborations', 'Student Collaborations - create', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (48, 'create_conferences', 'Web Conferences - create', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (49, 'create_forum', 'Discussions - create', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (50, 'generate_observer_pairing_code', 'Users - generate observer pairing codes for students', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin}', NULL, '{}'),
    (51, 'import_outcomes', 'Learning Outcomes - import', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', NULL, '{}'),
    (52, 'manage_lti_add', 'LTI - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_lti', '{}'),
    (53, 'manage_lti_edit', 'LTI - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_lti', '{}'),
    (54, 'manage_lti_delete', 'LTI - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_lti', '{}'),
    (55, 'allow_course_admin_actions', 'Users - allow administrative actions in courses', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', NULL, '{}'),
    (56, 'add_teacher_to_course', 'Teachers - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_course_teacher_enrollments', '{}'),
    (57, 'remove_teacher_from_course', 'Teachers - remove', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_course_teacher_enrollments', '{}'),
    (58, 'add_ta_to_course', 'TAs - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_course_ta_enrollments', '{}'),
    (59, 'remove_ta_from_course', 'TAs - remove', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_course_ta_enrollments', '{}'),
    (60, 'add_observer_to_course', 'Observers - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_observer_enrollments', '{}'),
    (61, 'remove_observer_from_course', 'Observers - remove', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_observer_enrollments', '{}'),
    (62, 'add_designer_to_course', 'Designers - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_course_designer_enrollments', '{}'),
    (63, 'remove_designer_from_course', 'Designers - remove', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_course_designer_enrollments', '{}'),
    (64, 'manage_assignments_add', 'Assignments and Quizzes - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_assignments_and_quizzes', '{}'),
    (65, 'manage_assignments_edit', 'Assignments and Quizzes - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_assignments_and_quizzes', '{}'),
    (66, 'manage_assignments_delete', 'Assignments and Quizzes - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_assignments_and_quizzes', '{}'),
    (67, 'manage_account_calendar_visibility', 'Account Calendars - change visibility', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_account_calendar', '{}'),
    (68, 'manage_account_calendar_events', 'Account Calendars - add / edit / delete events', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_account_calendar', '{}'),
    (69, 'manage_calendar', 'Course Calendar - add / edit / delete', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (70, 'manage_course_content_add', 'Course Content - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_content', '{}'),
    (71, 'manage_course_content_edit', 'Course Content - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_content', '{}'),
    (72, 'manage_course_content_delete', 'Course Content - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_content', '{}'),
    (73, 'add_course_template', 'Course Templates - create', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_course_templates', '{}'),
    (74, 'edit_course_template', 'Course Templates - edit', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_course_templates', '{}'),
    (75, 'delete_course_template', 'Course Templates - delete', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_course_templates', '{}'),
    (76, 'manage_account_banks', 'Item Banks - manage account', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', NULL, '{}'),
    (77, 'share_banks_with_subaccounts', 'Item Banks - share with subaccounts', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin}', NULL, '{new_quizzes_subaccount_sharing_permission}'),
    (78, 'manage_files_add', 'Course Files - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_files', '{}'),
    (79, 'manage_files_edit', 'Course Files - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_files', '{}'),
    (80, 'manage_files_delete', 'Course Files - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_files', '{}'),
    (81, 'manage_grades', 'Grades - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment}', NULL, '{}'),
    (82, 'manage_groups_add', 'Groups - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_groups', '{}'),
    (83, 'manage_groups_manage', 'Groups - manage', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_groups', '{}'),
    (84, 'manage_groups_delete', 'Groups - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_groups', '{}'),
    (85, 'manage_tags_add', 'Differentiation Tags - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_differentiation_tags', '{differentiation_tags}'),
    (86, 'manage_tags_manage', 'Differentiation Tags - manage', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_differentiation_tags', '{differentiation_tags}'),
    (87, 'manage_tags_delete', 'Differentiation Tags - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment}', 'manage_differentiation_tags', '{differentiation_tags}'),
    (88, 'manage_interaction_alerts', 'Alerts - add / edit / delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment}', '{AccountAdmin,TeacherEnrollment}', NULL, '{}'),
    (89, 'manage_outcomes', 'Learning Outcomes - add / edit / delete', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', NULL, '{}'),
    (90, 'manage_proficiency_calculations', 'Outcome Proficiency Calculations - add / edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', NULL, '{}'),
    (91, 'manage_proficiency_scales', 'Outcome Mastery Scales - add / edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', NULL, '{}'),
    (92, 'manage_sections_add', 'Course Sections - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', 'manage_sections', '{}'),
    (93, 'manage_sections_edit', 'Course Sections - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', 'manage_sections', '{}'),
    (94, 'manage_sections_delete', 'Course Sections - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,DesignerEnrollment}', 'manage_sections', '{}'),
    (95, 'manage_students', 'Users - manage students in courses', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (96, 'add_student_to_course', 'Students - add', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_student_enrollments', '{}'),
    (97, 'remove_student_from_course', 'Students - remove', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_course_student_enrollments', '{}'),
    (98, 'temporary_enrollments_add', 'Temporary Enrollments - add', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_temporary_enrollments', '{temporary_enrollments}'),
    (99, 'temporary_enrollments_edit', 'Temporary Enrollments - edit', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_temporary_enrollments', '{temporary_enrollments}'),
    (100, 'temporary_enrollments_delete', 'Temporary Enrollments - delete', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'manage_temporary_enrollments', '{temporary_enrollments}'),
    (101, 'manage_rubrics', 'Rubrics - add / edit / delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (102, 'manage_wiki_create', 'Pages - create', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_wiki', '{}'),
    (103, 'manage_wiki_update', 'Pages - update', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_wiki', '{}'),
    (104, 'manage_wiki_delete', 'Pages - delete', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', 'manage_wiki', '{}'),
    (105, 'moderate_forum', 'Discussions - moderate', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (106, 'new_quizzes_view_ip_address', 'New Quizzes - view IP address', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (107, 'post_to_forum', 'Discussions - post', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (108, 'proxy_assignment_submission', 'Submission - Submit on behalf of student', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment}', '{}', NULL, '{proxy_file_uploads}'),
    (109, 'read_announcements', 'Announcements - view', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', NULL, '{}'),
    (110, 'read_email_addresses', 'Users - view primary email address', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment}', NULL, '{}'),
    (111, 'read_forum', 'Discussions - view', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', NULL, '{}'),
    (112, 'read_question_banks', 'Question banks - view and link', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (113, 'read_reports', 'Reports - manage', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (114, 'read_roster', 'Users - view list', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (115, 'read_sis', 'SIS Data - read', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment}', '{AccountAdmin,TeacherEnrollment}', NULL, '{}'),
    (116, 'select_final_grade', 'Grades - select final grade for moderation', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment}', NULL, '{}'),
    (117, 'send_messages', 'Conversations - send messages to individual course members', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (118, 'send_messages_all', 'Conversations - send messages to entire class', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (119, 'view_audit_trail', 'Grades - view audit trail', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment}', '{AccountAdmin}', NULL, '{}'),
    (120, 'view_all_grades', 'Grades - view all grades', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment}', NULL, '{}'),
    (121, 'view_group_pages', 'Groups - view all student groups', 'none', '{AccountAdmin,AccountMembership,StudentEnrollment,TeacherEnrollment,TaEnrollment,DesignerEnrollment,ObserverEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment,DesignerEnrollment}', NULL, '{}'),
    (122, 'view_quiz_answer_audits', 'Quizzes - view submission log', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{quiz_log_auditing}'),
    (123, 'view_user_logins', 'Users - view login IDs', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment}', '{AccountAdmin,TeacherEnrollment,TaEnrollment}', NULL, '{}'),
    (124, 'view_admin_analytics', 'Admin Analytics - view and export data', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{admin_analytics_view_permission}'),
    (125, 'view_analytics_hub', 'Analytics Hub', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{analytics_hub}'),
    (126, 'view_ask_questions_analytics', 'Ask Your Data', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'view_advanced_analytics', '{advanced_analytics_ask_questions}'),
    (127, 'view_students_in_need', 'Students in Need of Attention', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'view_advanced_analytics', '{k20_students_in_need_of_attention}'),
    (128, 'view_students_in_need_in_course', 'Intelligent Insights - Students in Need of Attention - Course Level', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,TaEnrollment}', '{AccountAdmin,TeacherEnrollment}', NULL, '{k20_students_in_need_of_attention}'),
    (129, 'view_course_readiness', 'Course Readiness', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'view_advanced_analytics', '{k20_course_readiness}'),
    (130, 'view_title_iv_financial_aid_report', 'Financial Aid Compliance', 'account', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', 'view_advanced_analytics', '{title_iv_financial_aid_report}'),
    (131, 'manage_impact', 'Impact - Manage', 'root', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{}'),
    (132, 'block_editor_template_editor', 'Block Editor Templates - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', NULL, '{block_editor,block_template_editor}'),
    (133, 'block_editor_global_template_editor', 'Block Editor Global Templates - edit', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment,DesignerEnrollment}', '{AccountAdmin}', NULL, '{block_editor,block_template_editor}'),
    (134, 'new_quizzes_multiple_session_detection', 'New Quizzes - view multi session information', 'none', '{AccountAdmin,AccountMembership,TeacherEnrollment}', '{AccountAdmin}', NULL, '{}'),
    (135, 'manage_users_in_bulk', 'Bulk actions - people page', 'none', '{AccountAdmin,AccountMembership}', '{AccountAdmin}', NULL, '{horizon_bulk_api_permission}');
UPDATE canvas_permissions SET json_root_only = true WHERE name = 'manage_developer_keys';

-- Which permissions each condition gates (derived; used to hide them in one step).
ALTER TABLE canvas_conditions ADD COLUMN ords int[] NOT NULL DEFAULT '{}';
UPDATE canvas_conditions c
   SET ords = coalesce((SELECT array_agg(p.ord ORDER BY p.ord) FROM canvas_permissions p
                         WHERE c.name = ANY (p.conditions)), '{}');

-- The catalogue must be exactly §4.4: 135 permissions, known conditions, and group members as listed.
DO $$
BEGIN
    IF (SELECT count(*) FROM canvas_permissions) <> 135 THEN
        RAISE EXCEPTION 'canvas_permissions: expected 135 rows';
    END IF;
    IF EXISTS (SELECT 1 FROM canvas_permissions p, unnest(p.conditions) c
                WHERE c NOT IN (SELECT name FROM canvas_conditions)) THEN
        RAISE EXCEPTION 'canvas_permissions: unknown condition';
    END IF;
    IF EXISTS (SELECT 1 FROM canvas_permission_groups g
                WHERE NOT EXISTS (SELECT 1 FROM canvas_permissions p WHERE p.grp = g.name)) THEN
        RAISE EXCEPTION 'canvas_permission_groups: a group without members';
    END IF;
END $$;

-- The registry per base role type: whether the permission is available to it, on by default, and the state
-- a role of that type shows when no override exists anywhere on the chain (default on = 1|2; not
-- available = hard lock: 4|8 on top of the default).
CREATE TABLE canvas_permission_bases (
    base_role_type text NOT NULL,
    ord            int NOT NULL REFERENCES canvas_permissions,
    permission     text NOT NULL,
    available      boolean NOT NULL,
    default_on     boolean NOT NULL,
    default_state  smallint NOT NULL,
    PRIMARY KEY (base_role_type, ord),
    UNIQUE (base_role_type, permission)
);

INSERT INTO canvas_permission_bases (base_role_type, ord, permission, available, default_on, default_state)
SELECT b.t, p.ord, p.name, b.t = ANY (p.available_to), b.t = ANY (p.true_for),
       (CASE WHEN b.t = ANY (p.true_for) THEN 3 ELSE 0 END) | (CASE WHEN b.t = ANY (p.available_to) THEN 0 ELSE 12 END)
  FROM canvas_permissions p
 CROSS JOIN unnest(ARRAY['AccountAdmin', 'AccountMembership', 'StudentEnrollment', 'TeacherEnrollment',
                         'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions']) b(t);

GRANT SELECT ON canvas_permission_groups, canvas_conditions, canvas_permissions, canvas_permission_bases
    TO rolesd_app;

-- Role lookup by name on an account of the chain (§2.1 step 3), and list by account.
CREATE INDEX roles_account_name ON roles (tenant_id, account_id, name);

-- ---------------------------------------------------------------------------------------------------------
-- The account chain
-- ---------------------------------------------------------------------------------------------------------

-- rd_account_chain (0001) with the same contract and result, planned so that each step is one primary-key
-- probe: the recursive term looks the parent up through a LATERAL ... LIMIT 1, where the original join let
-- the planner materialise every account of the tenant and scan it once per level (O(depth x accounts); with
-- 100k sub-accounts, seconds). The CYCLE clause still ends a loop in corrupt data; the depth cap stays.
CREATE OR REPLACE FUNCTION rd_account_chain(p_account bigint)
    RETURNS TABLE (account_id bigint, depth int)
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE chain (tenant_id, id, parent, depth) AS (
        SELECT a.tenant_id, a.id, a.parent_account_id, 0 FROM accounts a WHERE a.id = p_account
        UNION ALL
        SELECT n.tenant_id, n.id, n.parent_account_id, c.depth + 1
          FROM chain c
         CROSS JOIN LATERAL (SELECT a.tenant_id, a.id, a.parent_account_id FROM accounts a
                              WHERE a.tenant_id = c.tenant_id AND a.id = c.parent LIMIT 1) n
         WHERE c.depth < 10000
    ) CYCLE id SET is_cycle USING path
    SELECT id, depth FROM chain WHERE NOT is_cycle
    $$;

-- The chain as an array, [C, parent(C), ..., root] (element n is at depth n-1). Every endpoint computes it
-- once and hands it to the functions below. The same recursive walk as rd_account_chain, but the path
-- array it carries is both the cycle guard (a parent already on the path ends the walk) and the answer, so
-- no CYCLE records are built; plpgsql so that its plan is cached per connection.
CREATE FUNCTION rd_canvas_chain(p_account bigint) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (
        WITH RECURSIVE walk (parent, path) AS (
            SELECT a.parent_account_id, ARRAY[a.id] FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.id = p_account
            UNION ALL
            SELECT n.parent_account_id, w.path || n.id
              FROM walk w
             CROSS JOIN LATERAL (SELECT a.id, a.parent_account_id FROM accounts a
                                  WHERE a.tenant_id = rd_tenant() AND a.id = w.parent LIMIT 1) n
             WHERE w.parent IS NOT NULL AND NOT (w.parent = ANY (w.path)) AND cardinality(w.path) < 10000
        )
        SELECT w.path FROM walk w ORDER BY cardinality(w.path) DESC LIMIT 1);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Small helpers
-- ---------------------------------------------------------------------------------------------------------

-- The JSON members of one permission state (the bits above), in Canvas' key order.
CREATE FUNCTION rd_canvas_state_json(s int) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT '"explicit":' || (s & 16 <> 0) || ',"readonly":' || (s & 8 <> 0) || ',"enabled":' || (s & 3 <> 0)
           || CASE WHEN s & 3 <> 0
                   THEN ',"applies_to_descendants":' || (s & 2 <> 0) || ',"applies_to_self":' || (s & 1 <> 0)
                   ELSE '' END
           || ',"locked":' || (s & 4 <> 0)
           || CASE WHEN s & 16 <> 0 THEN ',"prior_default":' || (s & 32 <> 0) ELSE '' END
    $$;

-- All 64 fragments, indexed by state + 1. IMMUTABLE with no arguments: the planner folds it to a constant.
CREATE FUNCTION rd_canvas_state_frags() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT array_agg(rd_canvas_state_json(s) ORDER BY s) FROM generate_series(0, 63) s $$;

-- Whether a condition is on, given the tenant's canvas_conditions object (NULL = all defaults).
CREATE FUNCTION rd_canvas_condition_on(p_conds jsonb, p_name text, p_default boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN jsonb_typeof(p_conds -> p_name) = 'boolean' THEN (p_conds -> p_name)::boolean
                ELSE p_default END
    $$;

-- The current tenant's canvas_conditions settings object, NULL when it sets nothing (all defaults).
CREATE FUNCTION rd_canvas_tenant_conditions() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    cc jsonb;
BEGIN
    SELECT t.settings -> 'canvas_conditions' INTO cc FROM tenants t WHERE t.id = rd_tenant();
    IF cc IS NULL OR jsonb_typeof(cc) <> 'object' OR cc = '{}' THEN
        RETURN NULL;
    END IF;
    RETURN cc;
END $$;

-- The condition names that are off for the current tenant.
CREATE FUNCTION rd_canvas_conditions_off() RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    cc jsonb := rd_canvas_tenant_conditions();
BEGIN
    RETURN (SELECT coalesce(array_agg(c.name ORDER BY c.name), '{}') FROM canvas_conditions c
             WHERE NOT rd_canvas_condition_on(cc, c.name, c.default_on));
END $$;

-- The ords of the permissions hidden for the current tenant because one of their conditions is off.
CREATE FUNCTION rd_canvas_hidden_ords() RETURNS int[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    cc jsonb := rd_canvas_tenant_conditions();
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT o), '{}') FROM canvas_conditions c CROSS JOIN unnest(c.ords) o
             WHERE NOT rd_canvas_condition_on(cc, c.name, c.default_on));
END $$;

-- Canvas role label (§1.2).
CREATE FUNCTION rd_canvas_role_label(p_name text, p_workflow_state text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT CASE WHEN p_workflow_state <> 'built_in' THEN p_name
                ELSE CASE p_name WHEN 'StudentEnrollment' THEN 'Student' WHEN 'TeacherEnrollment' THEN 'Teacher'
                                 WHEN 'TaEnrollment' THEN 'TA' WHEN 'DesignerEnrollment' THEN 'Designer'
                                 WHEN 'ObserverEnrollment' THEN 'Observer' WHEN 'AccountAdmin' THEN 'Account Admin'
                                 ELSE p_name END END
    $$;

-- A JSON string literal, or null. STABLE like to_json itself: a SQL function is only inlined into the
-- calling query when it is declared no less volatile than its body; not inlined, each call costs a full
-- SQL-function execution (measured: ~30 us instead of ~1 us).
CREATE FUNCTION rd_canvas_jstr(p text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(to_json(p)::text, 'null') $$;

-- rd_iso (0001) as an inlinable function: rd_iso is declared IMMUTABLE around the STABLE to_char, which
-- keeps the planner from inlining it.
CREATE FUNCTION rd_canvas_iso(ts timestamptz) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;

-- Rails' String#blank?: NULL, empty or whitespace only.
CREATE FUNCTION rd_canvas_blank(p text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT p IS NULL OR p ~ '^[[:space:]]*$' $$;

-- Writes are refused while the tenant is in read-only mode (503, Retry-After).
CREATE FUNCTION rd_canvas_writable() RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF (SELECT t.read_only FROM tenants t WHERE t.id = rd_tenant()) THEN
        RAISE EXCEPTION 'This site is in read-only mode' USING ERRCODE = 'RDRO1';
    END IF;
END $$;

-- RD400: Canvas {"message": p_message} with status 400.
CREATE FUNCTION rd_canvas_bad(p_message text) RETURNS void
    LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION '%', p_message USING ERRCODE = 'RD400'; END $$;

-- The root account of p_account's tree.
CREATE FUNCTION rd_canvas_root_of(p_account bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN (SELECT coalesce(a.root_account_id, a.id) FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.id = p_account);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Manageable permissions (§1.4) and per-base defaults
-- ---------------------------------------------------------------------------------------------------------

-- Whether permission p is manageable on a root / sub-account, conditions aside: rolesd has no Site Admin
-- account, so site_admin-only permissions never are; root-only ones only on the root account.
CREATE FUNCTION rd_canvas_manageable_on(p canvas_permissions, p_is_root boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT p.account_only IN ('none', 'account') OR (p.account_only = 'root' AND p_is_root) $$;

-- Whether it is listed in role JSON there (§2.9: manageable, minus manage_developer_keys below the root).
CREATE FUNCTION rd_canvas_listed(p canvas_permissions, p_is_root boolean) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT rd_canvas_manageable_on(p, p_is_root) AND NOT (p.json_root_only AND NOT p_is_root) $$;

-- Manageable permissions of an account (§1.4): manageable there and every condition on for the tenant.
CREATE FUNCTION rd_manageable_permissions(p_account bigint)
    RETURNS TABLE (permission text, ord int, grp text)
    LANGUAGE sql STABLE
    AS $$
    WITH acct AS (
        SELECT a.parent_account_id IS NULL AS is_root FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.id = p_account
    ), hidden AS MATERIALIZED (
        SELECT rd_canvas_hidden_ords() AS ords
    )
    SELECT p.name, p.ord, p.grp
      FROM canvas_permissions p, acct, hidden
     WHERE rd_canvas_manageable_on(p, acct.is_root) AND NOT (p.ord = ANY (hidden.ords))
    $$;

-- Defaults of §3.1 step 1 for a base role type (all permissions when p_permissions is NULL): on by default
-- (and allowed for the tenant), hard-locked (not available to the base type, or a condition is off).
-- Shaped for the effective-permission code of other endpoints (admins, permission checks).
CREATE FUNCTION rd_permission_defaults(p_base text, p_permissions text[])
    RETURNS TABLE (permission text, default_on boolean, hard_locked boolean, account_only text)
    LANGUAGE sql STABLE
    AS $$
    WITH hidden AS MATERIALIZED (SELECT rd_canvas_hidden_ords() AS ords)
    SELECT p.name, b.default_on AND NOT (p.ord = ANY (hidden.ords)),
           NOT b.available OR p.ord = ANY (hidden.ords), p.account_only
      FROM canvas_permissions p
      JOIN canvas_permission_bases b ON b.ord = p.ord AND b.base_role_type = p_base
     CROSS JOIN hidden
     WHERE p_permissions IS NULL OR p.name = ANY (p_permissions)
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- Resolution (§3.2: X = RC = C, the URL account) for many roles at once
-- ---------------------------------------------------------------------------------------------------------

-- The override-driven part of the resolution: the state bits of each (role, permission) of p_roles that
-- has at least one override row on p_chain (rd_canvas_chain of C: C and its ancestors) and whose permission
-- is available to the role's base type (a hard lock ignores overrides). Everything else shows its
-- precomputed default. Per (role, permission), with the rows of the chain:
--   * some ancestor row is locked: the topmost locked one decides, locked + readonly (the walk stops there);
--   * a row on C: its value, explicit, its own lock, prior_default = the nearest ancestor row (or default);
--   * else the nearest ancestor row (or the default), with descendants-only -> full and self-only -> off.
-- Rows are found through role_overrides (tenant_id, account_id, role_id, permission): one index probe per
-- chain account, whatever the number of roles.
CREATE FUNCTION rd_canvas_override_states(p_chain bigint[], p_roles bigint[])
    RETURNS TABLE (role_id bigint, ord int, state int)
    LANGUAGE sql STABLE
    AS $$
    WITH o AS (
        -- one index scan of role_overrides (tenant_id, account_id, role_id, permission) for every
        -- (chain account, role) pair; n = the account's position on the chain (1 = C)
        SELECT ro.role_id, ro.permission, ro.locked, array_position(p_chain, ro.account_id) AS n,
               CASE WHEN ro.enabled
                    THEN (CASE WHEN ro.applies_to_self THEN 1 ELSE 0 END)
                         | (CASE WHEN ro.applies_to_descendants THEN 2 ELSE 0 END)
                    ELSE 0 END AS v
          FROM role_overrides ro
         WHERE ro.tenant_id = rd_tenant() AND ro.account_id = ANY (p_chain) AND ro.role_id = ANY (p_roles)
    ), ov AS (
        -- (n * 8 + v): max/min pick the row of the topmost / nearest account without an ordered aggregate
        SELECT o.role_id, o.permission,
               max(o.n * 8 + o.v) FILTER (WHERE o.n > 1 AND o.locked) % 8 AS lock_v,
               min(o.n * 8 + o.v) FILTER (WHERE o.n > 1) % 8 AS near_v,
               max(o.v) FILTER (WHERE o.n = 1) AS own_v,
               bool_or(o.locked) FILTER (WHERE o.n = 1) AS own_locked
          FROM o
         GROUP BY o.role_id, o.permission
    )
    SELECT ov.role_id, b.ord,
           CASE WHEN ov.lock_v IS NOT NULL THEN ov.lock_v | 12
                WHEN ov.own_v IS NOT NULL
                     THEN ov.own_v | 16 | (CASE WHEN ov.own_locked THEN 4 ELSE 0 END)
                          | (CASE WHEN coalesce(ov.near_v, b.default_state) <> 0 THEN 32 ELSE 0 END)
                ELSE CASE coalesce(ov.near_v, b.default_state) WHEN 2 THEN 3 WHEN 1 THEN 0
                          ELSE coalesce(ov.near_v, b.default_state) END
           END::int
      FROM ov
      JOIN roles r ON r.tenant_id = rd_tenant() AND r.id = ov.role_id
      JOIN canvas_permission_bases b
        ON b.base_role_type = r.base_role_type AND b.permission = ov.permission AND b.available
    $$;

-- THE resolution function (§3.2, X = RC = C = p_account) for any number of roles in one query: the state
-- bits of every permission listed in role JSON at p_account (manageable there, conditions on), per role.
CREATE FUNCTION rd_canvas_states(p_account bigint, p_roles bigint[])
    RETURNS TABLE (role_id bigint, ord int, state int)
    LANGUAGE sql STABLE
    AS $$
    WITH acct AS (
        SELECT a.parent_account_id IS NULL AS is_root FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.id = p_account
    ), hidden AS MATERIALIZED (
        SELECT rd_canvas_hidden_ords() AS ords
    ), chain AS MATERIALIZED (
        SELECT rd_canvas_chain(p_account) AS ids
    ), os AS (
        SELECT s.* FROM chain, rd_canvas_override_states(chain.ids, p_roles) s
    )
    SELECT r.id, p.ord, coalesce(os.state, b.default_state::int)
      FROM roles r
      CROSS JOIN acct
      CROSS JOIN hidden
      JOIN canvas_permission_bases b ON b.base_role_type = r.base_role_type
      JOIN canvas_permissions p ON p.ord = b.ord
      LEFT JOIN os ON os.role_id = r.id AND os.ord = p.ord
     WHERE r.tenant_id = rd_tenant() AND r.id = ANY (p_roles)
       AND rd_canvas_listed(p, acct.is_root) AND NOT (p.ord = ANY (hidden.ords))
    $$;

-- The same in readable form (one row per role and listed permission, JSON semantics of §2.9: prior_default
-- NULL unless explicit, applies_to_* NULL unless enabled). For SQL callers and tests.
CREATE FUNCTION rd_canvas_resolve(p_account bigint, p_roles bigint[])
    RETURNS TABLE (role_id bigint, permission text, enabled boolean, locked boolean, readonly boolean,
                   explicit boolean, prior_default boolean, applies_to_self boolean,
                   applies_to_descendants boolean, grp text)
    LANGUAGE sql STABLE
    AS $$
    SELECT s.role_id, p.name, s.state & 3 <> 0, s.state & 4 <> 0, s.state & 8 <> 0, s.state & 16 <> 0,
           CASE WHEN s.state & 16 <> 0 THEN s.state & 32 <> 0 END,
           CASE WHEN s.state & 3 <> 0 THEN s.state & 1 <> 0 END,
           CASE WHEN s.state & 3 <> 0 THEN s.state & 2 <> 0 END,
           p.grp
      FROM rd_canvas_states(p_account, p_roles) s
      JOIN canvas_permissions p ON p.ord = s.ord
    $$;

-- Role JSON's permission members, precomputed per base role type and kind of account: members = the
-- default member text of every permission by ord ('"name":{...}'), NULL where not listed; members_default
-- = the same with the permissions that default conditions hide also NULL; body_default = members_default
-- joined, i.e. the whole "permissions" object body of a role without overrides on a default tenant.
-- A request copies one of these, and only patches members that have overrides: no per-permission rows.
CREATE TABLE canvas_json_defaults (
    base_role_type  text NOT NULL,
    is_root         boolean NOT NULL,
    members         text[] NOT NULL,
    members_default text[] NOT NULL,
    body_default    text NOT NULL,
    PRIMARY KEY (base_role_type, is_root)
);
ALTER TABLE canvas_json_defaults ALTER COLUMN members SET STORAGE EXTERNAL,
    ALTER COLUMN members_default SET STORAGE EXTERNAL, ALTER COLUMN body_default SET STORAGE EXTERNAL;

WITH hidden AS (
    SELECT coalesce(array_agg(DISTINCT o), '{}') AS ords FROM canvas_conditions c CROSS JOIN unnest(c.ords) o
     WHERE NOT c.default_on
), m AS (
    SELECT b.base_role_type, k.is_root,
           array_agg(CASE WHEN rd_canvas_listed(p, k.is_root)
                          THEN p.json_head || rd_canvas_state_json(b.default_state) || p.json_tail END
                     ORDER BY p.ord) AS members,
           array_agg(CASE WHEN rd_canvas_listed(p, k.is_root) AND NOT (p.ord = ANY (hidden.ords))
                          THEN p.json_head || rd_canvas_state_json(b.default_state) || p.json_tail END
                     ORDER BY p.ord) AS members_default
      FROM canvas_permission_bases b
      JOIN canvas_permissions p ON p.ord = b.ord
     CROSS JOIN (VALUES (true), (false)) k(is_root)
     CROSS JOIN hidden
     GROUP BY b.base_role_type, k.is_root
)
INSERT INTO canvas_json_defaults (base_role_type, is_root, members, members_default, body_default)
SELECT m.base_role_type, m.is_root, m.members, m.members_default, array_to_string(m.members_default, ',') FROM m;

-- The text around a permission's state fragment, by ord.
CREATE TABLE canvas_json_parts (
    id    int PRIMARY KEY CHECK (id = 1),
    heads text[] NOT NULL,
    tails text[] NOT NULL
);
INSERT INTO canvas_json_parts (id, heads, tails)
SELECT 1, array_agg(p.json_head ORDER BY p.ord), array_agg(p.json_tail ORDER BY p.ord) FROM canvas_permissions p;

DO $$
BEGIN
    -- the arrays above are indexed by ord
    IF (SELECT min(ord) <> 1 OR max(ord) <> count(*) FROM canvas_permissions) THEN
        RAISE EXCEPTION 'canvas_permissions.ord must run 1..N';
    END IF;
END $$;
GRANT SELECT ON canvas_json_defaults, canvas_json_parts TO rolesd_app;

-- The catalogue never changes after this migration: give the planner its statistics now.
ANALYZE canvas_permission_groups, canvas_conditions, canvas_permissions, canvas_permission_bases,
        canvas_json_defaults, canvas_json_parts;

-- Account JSON inside role JSON (§2.9). Quotas and time zone are Canvas' defaults; sis ids only below root.
CREATE FUNCTION rd_canvas_account_json(a accounts) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT '{"id":' || a.id || ',"name":' || rd_canvas_jstr(a.name)
           || ',"parent_account_id":' || coalesce(a.parent_account_id::text, 'null')
           || ',"root_account_id":' || coalesce(a.root_account_id::text, 'null')
           || ',"workflow_state":' || rd_canvas_jstr(a.workflow_state)
           || ',"uuid":"' || a.uuid || '"'
           || ',"default_storage_quota_mb":500,"default_user_storage_quota_mb":50'
           || ',"default_group_storage_quota_mb":50,"default_time_zone":"Etc/UTC"'
           || CASE WHEN a.parent_account_id IS NULL THEN ''
                   ELSE ',"sis_account_id":' || rd_canvas_jstr(a.sis_account_id) || ',"integration_id":null' END
           || '}'
    $$;

-- Role JSON (§2.9) of each role of p_roles as seen from p_chain[1] (the URL account; p_chain its chain), as
-- compact text: one query for the override states of all the roles, one for the role rows, the rest is
-- array work on the precomputed members.
CREATE FUNCTION rd_canvas_roles_render(p_chain bigint[], p_roles bigint[])
    RETURNS TABLE (role_id bigint, body text)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    frags text[] := rd_canvas_state_frags();
    acct_is_root boolean;
    conds jsonb := rd_canvas_tenant_conditions();
    hidden int[];
    heads text[];
    tails text[];
    o_role bigint[];
    o_ord int[];
    o_state int[];
    o_n int;
    o_i int := 1;
    r record;
    m text[];
    perms text;
    h int;
    k int;
BEGIN
    acct_is_root := cardinality(p_chain) = 1; -- an account is never its own parent (0001 CHECK)
    IF conds IS NOT NULL THEN
        hidden := rd_canvas_hidden_ords();
    END IF;
    SELECT array_agg(s.role_id ORDER BY s.role_id), array_agg(s.ord ORDER BY s.role_id),
           array_agg(s.state ORDER BY s.role_id)
      INTO o_role, o_ord, o_state
      FROM rd_canvas_override_states(p_chain, p_roles) s;
    o_n := coalesce(cardinality(o_role), 0);
    IF o_n > 0 THEN
        SELECT j.heads, j.tails INTO heads, tails FROM canvas_json_parts j;
    END IF;
    FOR r IN
        SELECT x.id,
               '{"id":' || x.id || ',"role":' || rd_canvas_jstr(x.name)
               || ',"label":' || rd_canvas_jstr(rd_canvas_role_label(x.name, x.workflow_state))
               || ',"base_role_type":"'
               || CASE WHEN x.workflow_state = 'built_in' AND x.base_role_type IN ('AccountAdmin', 'AccountMembership')
                       THEN 'AccountMembership' ELSE x.base_role_type END
               || '","workflow_state":"' || x.workflow_state
               || '","created_at":"' || rd_canvas_iso(x.created_at) || '","last_updated_at":"' || rd_canvas_iso(x.updated_at)
               || '","is_account_role":' || (x.base_role_type IN ('AccountAdmin', 'AccountMembership'))
               || ',"permissions":{' AS head,
               '}' || CASE WHEN x.account_id IS NOT NULL THEN ',"account":' || rd_canvas_account_json(a) ELSE '' END
               || '}' AS tail,
               -- only the form of the defaults this role needs is read (they are large)
               CASE WHEN conds IS NULL AND NOT (x.id = ANY (coalesce(o_role, '{}'))) THEN d.body_default END AS body_default,
               CASE WHEN conds IS NULL AND x.id = ANY (coalesce(o_role, '{}')) THEN d.members_default
                    WHEN conds IS NOT NULL THEN d.members END AS members
          FROM roles x
          JOIN canvas_json_defaults d ON d.base_role_type = x.base_role_type AND d.is_root = acct_is_root
          LEFT JOIN accounts a ON a.tenant_id = x.tenant_id AND a.id = x.account_id
         WHERE x.tenant_id = rd_tenant() AND x.id = ANY (p_roles)
         ORDER BY x.id
    LOOP
        WHILE o_i <= o_n AND o_role[o_i] < r.id LOOP
            o_i := o_i + 1;
        END LOOP;
        IF r.body_default IS NOT NULL THEN
            perms := r.body_default;
        ELSE
            m := r.members;
            IF conds IS NOT NULL THEN
                FOREACH h IN ARRAY hidden LOOP
                    m[h] := NULL;
                END LOOP;
            END IF;
            WHILE o_i <= o_n AND o_role[o_i] = r.id LOOP
                k := o_ord[o_i];
                IF m[k] IS NOT NULL THEN
                    m[k] := heads[k] || frags[o_state[o_i] + 1] || tails[k];
                END IF;
                o_i := o_i + 1;
            END LOOP;
            perms := array_to_string(m, ',');
        END IF;
        role_id := r.id;
        body := r.head || perms || r.tail;
        RETURN NEXT;
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- The caller's effective permission (§3.3)
-- ---------------------------------------------------------------------------------------------------------

-- Whether p_user holds p_perm on p_chain[1] (p_chain: rd_canvas_chain of that account) through any admin
-- membership (active, on an active account of the chain, role active or built-in). For a membership of
-- role R on U: root-only permissions never come through a sub-account membership, site-admin-only ones
-- never (rolesd has no Site Admin), a permission hidden for the tenant is locked off; a base type the
-- permission is not available to gets the default (hard lock); otherwise the walk of §3.1 with RC = U over
-- [root .. X], visiting only the accounts that matter (those with a row for (R, P), U and X): every row
-- replaces the value; a locked row stops; at U a value that is on stops ("a sub-account cannot revoke a
-- grant made above"); X without a row turns descendants-only into full and self-only into off. Granted iff
-- the final set holds `self` when X's own row was applied, else `descendants`.
CREATE FUNCTION rd_canvas_user_has_on(p_user bigint, p_chain bigint[], p_perm text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    perm canvas_permissions;
    m record;
    e record;
    vs boolean;
    vd boolean;
    hit boolean;
    last_x boolean;
BEGIN
    SELECT * INTO perm FROM canvas_permissions p WHERE p.name = p_perm;
    IF NOT FOUND OR perm.account_only = 'site_admin' OR p_user IS NULL THEN
        RETURN false;
    END IF;
    IF perm.conditions <> '{}' AND perm.ord = ANY (rd_canvas_hidden_ords()) THEN
        RETURN false;
    END IF;
    FOR m IN
        SELECT au.role_id, array_position(p_chain, au.account_id) - 1 AS du,
               a.parent_account_id IS NULL AS u_root, b.available, b.default_on
          FROM account_users au
          JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
          JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
          JOIN canvas_permission_bases b ON b.base_role_type = r.base_role_type AND b.ord = perm.ord
         WHERE au.tenant_id = rd_tenant() AND au.user_id = p_user AND au.workflow_state = 'active'
           AND au.account_id = ANY (p_chain) AND a.workflow_state = 'active'
           AND r.workflow_state IN ('active', 'built_in')
         ORDER BY NOT b.available AND b.default_on DESC, 2 DESC, au.id
    LOOP
        IF perm.account_only = 'root' AND NOT m.u_root THEN
            CONTINUE;
        END IF;
        IF NOT m.available THEN
            IF m.default_on THEN
                RETURN true;
            END IF;
            CONTINUE;
        END IF;
        vs := m.default_on;
        vd := m.default_on;
        hit := false;
        last_x := false;
        FOR e IN
            SELECT c.n - 1 AS depth, o.id IS NOT NULL AS has, o.enabled, o.locked,
                   o.applies_to_self AS s, o.applies_to_descendants AS d
              FROM unnest(p_chain) WITH ORDINALITY c(aid, n)
              LEFT JOIN role_overrides o
                     ON o.tenant_id = rd_tenant() AND o.account_id = c.aid AND o.role_id = m.role_id
                    AND o.permission = p_perm
             WHERE o.id IS NOT NULL OR c.n = 1 OR c.n - 1 = m.du
             ORDER BY c.n DESC
        LOOP
            IF e.has THEN
                vs := e.enabled AND e.s;
                vd := e.enabled AND e.d;
                last_x := e.depth = 0;
            ELSIF e.depth = 0 THEN
                IF vd AND NOT vs THEN
                    vs := true;
                ELSIF vs AND NOT vd THEN
                    vs := false;
                END IF;
            END IF;
            IF e.depth = m.du THEN
                hit := true;
            END IF;
            EXIT WHEN e.has AND e.locked;
            EXIT WHEN hit AND (vs OR vd);
        END LOOP;
        IF (last_x AND vs) OR (NOT last_x AND vd) THEN
            RETURN true;
        END IF;
    END LOOP;
    RETURN false;
END $$;

-- The same for an account id (computes the chain).
CREATE FUNCTION rd_canvas_user_has(p_user bigint, p_account bigint, p_perm text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT rd_canvas_user_has_on(p_user, rd_canvas_chain(p_account), p_perm) $$;

-- The check every endpoint makes after resolving its URL ids: anonymous -> RDU01; lacking p_perm on the
-- account (p_chain[1]) -> RD403 naming the permission and the account.
CREATE FUNCTION rd_canvas_require(p_chain bigint[], p_perm text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF rd_user() IS NULL THEN
        RAISE EXCEPTION 'user authorization required' USING ERRCODE = 'RDU01';
    END IF;
    IF p_perm IS NULL THEN
        RETURN;
    END IF;
    -- fast path: a membership on the chain whose base type has the permission locked on (the built-in
    -- AccountAdmin and manage_role_overrides) decides without walking any override
    IF EXISTS (SELECT 1
                 FROM account_users au
                 JOIN roles r ON r.tenant_id = au.tenant_id AND r.id = au.role_id
                 JOIN accounts a ON a.tenant_id = au.tenant_id AND a.id = au.account_id
                 JOIN canvas_permissions p ON p.name = p_perm
                 JOIN canvas_permission_bases b ON b.base_role_type = r.base_role_type AND b.ord = p.ord
                WHERE au.tenant_id = rd_tenant() AND au.user_id = rd_user() AND au.workflow_state = 'active'
                  AND au.account_id = ANY (p_chain) AND a.workflow_state = 'active'
                  AND r.workflow_state IN ('active', 'built_in')
                  AND NOT b.available AND b.default_on AND p.conditions = '{}'
                  AND (p.account_only IN ('none', 'account') OR (p.account_only = 'root' AND a.parent_account_id IS NULL)))
    THEN
        RETURN;
    END IF;
    IF NOT rd_canvas_user_has_on(rd_user(), p_chain, p_perm) THEN
        RAISE EXCEPTION 'user not authorized to perform that action' USING ERRCODE = 'RD403',
            DETAIL = json_build_object('permission', p_perm, 'account_id', p_chain[1])::text;
    END IF;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Role lookup and validation
-- ---------------------------------------------------------------------------------------------------------

-- §2.1 step 3, on account p_chain[1]: :id as a numeric id (accepted when built-in or defined on the chain),
-- else as a name: a built-in role of the account's root, else the first non-deleted role of that name on the
-- nearest account of the chain (lowest id on that account). Missing or deleted: RDR04 ("role not found").
CREATE FUNCTION rd_canvas_role_find(p_chain bigint[], p_ref text) RETURNS roles
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    r roles;
BEGIN
    IF p_ref ~ '^[0-9]{1,19}$' AND p_ref::numeric <= 9223372036854775807 THEN
        SELECT x.* INTO r FROM roles x
         WHERE x.tenant_id = rd_tenant() AND x.id = p_ref::bigint
           AND (x.workflow_state = 'built_in' OR x.account_id = ANY (p_chain));
        IF FOUND THEN
            IF r.workflow_state = 'deleted' THEN
                RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
            END IF;
            RETURN r;
        END IF;
    END IF;
    SELECT x.* INTO r FROM roles x
     WHERE x.tenant_id = rd_tenant() AND x.workflow_state = 'built_in' AND x.name = p_ref
       AND x.root_account_id = rd_canvas_root_of(p_chain[1]);
    IF FOUND THEN
        RETURN r;
    END IF;
    SELECT x.* INTO r
      FROM unnest(p_chain) WITH ORDINALITY c(account_id, n)
      JOIN roles x ON x.tenant_id = rd_tenant() AND x.account_id = c.account_id AND x.name = p_ref
     WHERE x.workflow_state IN ('active', 'inactive')
     ORDER BY c.n, x.id
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
    END IF;
    RETURN r;
END $$;

-- Role model validations (§1.2, §2.10) for a custom role named p_name with base p_base on p_account (p_self:
-- the role being renamed, NULL on create; p_active: whether the uniqueness rule applies). Raises RD422 with
-- every failing attribute in Canvas' model-error body; nothing is written.
CREATE FUNCTION rd_canvas_role_validate(p_account bigint, p_self bigint, p_name text, p_base text,
                                        p_active boolean) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    errs jsonb := '{}';
    dup text := 'A role with this name already exists';
BEGIN
    IF p_base IS NULL OR p_base NOT IN ('AccountAdmin', 'AccountMembership', 'StudentEnrollment',
            'TeacherEnrollment', 'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions') THEN
        errs := errs || jsonb_build_object('base_role_type', jsonb_build_array(jsonb_build_object(
                    'attribute', 'base_role_type', 'type', 'inclusion', 'message', 'is invalid')));
    END IF;
    IF length(p_name) > 255 THEN
        errs := errs || jsonb_build_object('name', jsonb_build_array(jsonb_build_object(
                    'attribute', 'name', 'type', 'too_long', 'message', 'is too long (maximum is 255 characters)')));
    ELSIF p_name IN ('AccountAdmin', 'AccountMembership', 'StudentEnrollment', 'TeacherEnrollment',
                     'TaEnrollment', 'DesignerEnrollment', 'ObserverEnrollment', 'NoPermissions',
                     'StudentViewEnrollment', 'NilEnrollment', 'teacher', 'ta', 'designer', 'student', 'observer') THEN
        errs := errs || jsonb_build_object('name', jsonb_build_array(jsonb_build_object(
                    'attribute', 'name', 'type', 'exclusion', 'message', 'is reserved')));
    END IF;
    IF p_name IN ('Student', 'Teacher', 'TA', 'Designer', 'Observer', 'Account Admin', 'AccountMembership',
                  'NoPermissions')
       OR (p_active AND EXISTS (SELECT 1 FROM roles x
                                 WHERE x.tenant_id = rd_tenant() AND x.account_id = p_account
                                   AND x.name = p_name AND x.workflow_state = 'active'
                                   AND x.id IS DISTINCT FROM p_self)) THEN
        errs := errs || jsonb_build_object('label', jsonb_build_array(jsonb_build_object(
                    'attribute', 'label', 'type', dup, 'message', dup)));
    END IF;
    IF errs <> '{}' THEN
        RAISE EXCEPTION 'Invalid role' USING ERRCODE = 'RD422',
            DETAIL = jsonb_build_object('errors', errs)::text;
    END IF;
END $$;

-- The duplicate-name error as a model error (a concurrent insert lost the race on roles_active_name).
CREATE FUNCTION rd_canvas_role_dup() RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'Invalid role' USING ERRCODE = 'RD422',
        DETAIL = '{"errors":{"label":[{"attribute":"label","type":"A role with this name already exists","message":"A role with this name already exists"}]}}';
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Applying permissions[...] (§2.8)
-- ---------------------------------------------------------------------------------------------------------

-- Applies the entries of p_entries, in request order, to role p_role on account p_chain[1]. p_entries is
-- the C edge's normal form: a JSON array of [key, explicit, enabled, locked, applies_to_self,
-- applies_to_descendants, readonly], each flag -1 (key absent), 0 (false) or 1 (true, Canvas booleans).
-- Errors (RD400 "Cannot change locked status on granular permission", "Permission must be enabled for
-- someone"; RD422 when a row would apply to nobody) abort the caller's whole transaction. Returns the
-- warnings: one object per stored override that an ancestor's lock makes ineffective, naming that account.
CREATE FUNCTION rd_canvas_apply_permissions(p_chain bigint[], p_role roles, p_entries json) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    p_account bigint := p_chain[1];
    course boolean := p_role.base_role_type IN ('StudentEnrollment', 'TeacherEnrollment', 'TaEnrollment',
                                                'DesignerEnrollment', 'ObserverEnrollment');
    e json;
    k text;
    ex int; en int; lk int; ats int; atd int; ro int;
    ov boolean;
    v_locked boolean;
    v_self boolean;
    v_desc boolean;
    granular boolean;
    t_names text[];
    t_grps text[];
    t_ords int[];
    targets text[];
    is_group boolean;
    t text;
    cur boolean;
    val boolean;
    touched boolean := false;
    stored text[] := '{}';
    warnings text;
BEGIN
    IF p_entries IS NULL OR json_typeof(p_entries) <> 'array' OR json_array_length(p_entries) = 0 THEN
        RETURN NULL;
    END IF;
    -- M of §2.8: manageable at C, for course roles only those available to the base type
    SELECT array_agg(m.permission ORDER BY m.ord), array_agg(m.grp ORDER BY m.ord), array_agg(m.ord ORDER BY m.ord)
      INTO t_names, t_grps, t_ords
      FROM rd_manageable_permissions(p_account) m
      JOIN canvas_permission_bases b ON b.ord = m.ord AND b.base_role_type = p_role.base_role_type
     WHERE NOT course OR b.available;
    FOR e IN SELECT x.value FROM json_array_elements(p_entries) WITH ORDINALITY x(value, n) ORDER BY x.n LOOP
        k := e ->> 0;
        ex := (e ->> 1)::int; en := (e ->> 2)::int; lk := (e ->> 3)::int;
        ats := (e ->> 4)::int; atd := (e ->> 5)::int; ro := (e ->> 6)::int;
        IF ro = 1 THEN
            CONTINUE;
        END IF;
        SELECT array_agg(x.n ORDER BY x.o), bool_or(x.g IS NOT NULL) INTO targets, granular
          FROM unnest(t_names, t_grps, t_ords) x(n, g, o) WHERE x.n = k;
        is_group := targets IS NULL;
        IF is_group THEN
            SELECT array_agg(x.n ORDER BY x.o) INTO targets
              FROM unnest(t_names, t_grps, t_ords) x(n, g, o) WHERE x.g = k;
            IF targets IS NULL THEN
                CONTINUE; -- unknown, or not manageable here: silently ignored
            END IF;
            granular := false;
        END IF;
        IF lk >= 0 AND granular THEN
            PERFORM rd_canvas_bad('Cannot change locked status on granular permission');
        END IF;
        v_locked := CASE lk WHEN -1 THEN NULL ELSE lk = 1 END;
        ov := CASE WHEN en >= 0 AND ex = 1 THEN en = 1 END;
        v_self := CASE ats WHEN -1 THEN NULL ELSE ats = 1 END;
        v_desc := CASE atd WHEN -1 THEN NULL ELSE atd = 1 END;
        IF v_self IS FALSE AND v_desc IS FALSE THEN
            PERFORM rd_canvas_bad('Permission must be enabled for someone');
        END IF;
        FOREACH t IN ARRAY targets LOOP
            IF ex = 1 AND ov IS NULL AND is_group THEN
                SELECT o.enabled INTO cur FROM role_overrides o
                 WHERE o.tenant_id = rd_tenant() AND o.account_id = p_account AND o.role_id = p_role.id
                   AND o.permission = t;
                val := cur; -- NULL when there is no row
            ELSE
                val := ov;
            END IF;
            IF val IS NOT NULL OR v_locked IS TRUE THEN
                INSERT INTO role_overrides AS o (tenant_id, account_id, role_id, permission, enabled, locked,
                                                 applies_to_self, applies_to_descendants)
                VALUES (rd_tenant(), p_account, p_role.id, t, coalesce(val, true), coalesce(v_locked, false),
                        coalesce(v_self, true), coalesce(v_desc, true))
                ON CONFLICT (tenant_id, account_id, role_id, permission) DO UPDATE
                   SET enabled = coalesce(val, o.enabled),
                       locked = coalesce(v_locked, o.locked),
                       applies_to_self = coalesce(v_self, o.applies_to_self),
                       applies_to_descendants = coalesce(v_desc, o.applies_to_descendants),
                       updated_at = now();
                stored := stored || t;
                touched := true;
            ELSE
                DELETE FROM role_overrides o
                 WHERE o.tenant_id = rd_tenant() AND o.account_id = p_account AND o.role_id = p_role.id
                   AND o.permission = t;
                IF FOUND THEN
                    touched := true;
                    stored := array_remove(stored, t);
                END IF;
            END IF;
        END LOOP;
    END LOOP;
    IF touched THEN
        UPDATE roles x SET updated_at = now() WHERE x.tenant_id = rd_tenant() AND x.id = p_role.id;
    END IF;
    IF cardinality(stored) = 0 THEN
        RETURN NULL;
    END IF;
    -- an override stored on C under a lock set above C has no effect while that lock exists
    SELECT '[' || string_agg('{"permission":' || rd_canvas_jstr(w.permission)
                             || ',"locked_by_account_id":' || w.account_id
                             || ',"locked_by_account_name":' || rd_canvas_jstr(w.account_name)
                             || ',"message":' || rd_canvas_jstr(format(
                                 'The %s permission is locked by account %s (%s); this override is stored but has no effect until that lock is removed',
                                 w.permission, w.account_id, w.account_name)) || '}', ',' ORDER BY w.ord) || ']'
      INTO warnings
      FROM (SELECT DISTINCT ON (p.ord) p.ord, p.name AS permission, a.id AS account_id, a.name AS account_name
              FROM canvas_permissions p
              JOIN unnest(p_chain) WITH ORDINALITY c(account_id, n) ON c.n > 1
              JOIN role_overrides o ON o.tenant_id = rd_tenant() AND o.account_id = c.account_id
                                   AND o.role_id = p_role.id AND o.permission = p.name AND o.locked
              JOIN accounts a ON a.tenant_id = rd_tenant() AND a.id = c.account_id
             WHERE p.name = ANY (stored)
             ORDER BY p.ord, c.n DESC) w;
    RETURN warnings;
EXCEPTION
    WHEN check_violation THEN
        RAISE EXCEPTION 'Must apply to something' USING ERRCODE = 'RD422',
            DETAIL = '{"errors":{"base":[{"attribute":"base","type":"Must apply to something","message":"Must apply to something"}]}}';
END $$;

-- Adds members to a role JSON object text ('{...}' -> '{...,extra}').
CREATE FUNCTION rd_canvas_json_extend(p_body text, p_extra text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT CASE WHEN p_extra IS NULL OR p_extra = '' THEN p_body
                      ELSE left(p_body, -1) || ',' || p_extra || '}' END $$;

-- One role's JSON at p_chain[1], with the warnings of a write when there are any.
CREATE FUNCTION rd_canvas_role_body(p_chain bigint[], p_role bigint, p_warnings text) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT rd_canvas_json_extend(x.body, CASE WHEN p_warnings IS NOT NULL THEN '"warnings":' || p_warnings END)
      FROM rd_canvas_roles_render(p_chain, ARRAY[p_role]) x
    $$;

-- ---------------------------------------------------------------------------------------------------------
-- Endpoints
-- ---------------------------------------------------------------------------------------------------------

-- Every endpoint (and the renderer and the permission walk, which other code calls directly) runs with
-- plan_cache_mode = force_generic_plan: the statements inside take arrays (the chain, role ids) whose
-- custom plans PostgreSQL otherwise keeps choosing, re-planning each statement on every call (measured:
-- 600 us instead of 30 us for the override query). The generic plans are shaped to be good without
-- statistics (index probes forced with LATERAL ... OFFSET 0 / LIMIT 1).

-- GET /api/v1/accounts/:account_id/roles (§2.3). p_page: NULL/0 = a page number Canvas rejects (RDP04, after
-- authorisation). Returns the resolved account id (for Link URLs), the list's total length and the page.
CREATE FUNCTION rd_canvas_roles_list(p_ref text, p_perm text, p_bad text, p_active boolean, p_inactive boolean,
                                     p_inherited boolean, p_page bigint, p_per_page int)
    RETURNS TABLE (account_id bigint, total bigint, body text)
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    chain bigint[] := rd_canvas_chain(acct);
    per int := greatest(1, least(coalesce(p_per_page, 10), 100));
    states text[];
    ids bigint[];
    page_ids bigint[];
    off bigint;
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    IF p_bad IS NOT NULL THEN
        PERFORM rd_canvas_bad(p_bad);
    END IF;
    IF p_page IS NULL OR p_page < 1 THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    states := CASE WHEN p_active OR NOT p_inactive THEN ARRAY['active'] ELSE '{}' END
              || CASE WHEN p_inactive THEN ARRAY['inactive'] ELSE '{}' END;
    ids := ARRAY(
        SELECT l.id FROM (
            SELECT r.id, 0 AS part FROM roles r
             WHERE 'active' = ANY (states) AND r.tenant_id = rd_tenant() AND r.workflow_state = 'built_in'
               AND r.name NOT IN ('AccountMembership', 'NoPermissions')
               AND r.root_account_id = rd_canvas_root_of(acct)
            UNION ALL
            SELECT r.id, 1 FROM roles r
             WHERE r.tenant_id = rd_tenant() AND r.workflow_state = ANY (states)
               AND r.account_id = ANY (CASE WHEN p_inherited THEN chain ELSE ARRAY[acct] END)
        ) l ORDER BY l.part, l.id);
    account_id := acct;
    total := coalesce(cardinality(ids), 0);
    off := (p_page - 1) * per;
    IF off >= total THEN
        body := '[]';
        RETURN NEXT;
        RETURN;
    END IF;
    page_ids := ids[off + 1 : off + per];
    SELECT '[' || string_agg(x.body, ',' ORDER BY u.n) || ']' INTO body
      FROM unnest(page_ids) WITH ORDINALITY u(id, n)
      JOIN rd_canvas_roles_render(chain, page_ids) x ON x.role_id = u.id;
    RETURN NEXT;
END $$;

-- GET /api/v1/accounts/:account_id/roles/:id (§2.4).
CREATE FUNCTION rd_canvas_roles_show(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    RETURN (SELECT x.body FROM rd_canvas_roles_render(chain, ARRAY[r.id]) x);
END $$;

-- POST /api/v1/accounts/:account_id/roles (§2.5). p_base NULL = parameter absent. Atomic (a deliberate
-- difference from Canvas): when applying permissions fails, the role is not created either.
CREATE FUNCTION rd_canvas_roles_create(p_ref text, p_perm text, p_bad text, p_label text, p_role text,
                                       p_base text, p_permissions json) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    chain bigint[] := rd_canvas_chain(acct);
    nm text;
    base text := coalesce(p_base, 'AccountMembership');
    r roles;
    warnings text;
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    IF p_bad IS NOT NULL THEN
        PERFORM rd_canvas_bad(p_bad);
    END IF;
    nm := CASE WHEN NOT rd_canvas_blank(p_label) THEN p_label ELSE p_role END;
    IF rd_canvas_blank(nm) THEN
        PERFORM rd_canvas_bad('missing required parameter ''role''');
    END IF;
    PERFORM rd_canvas_writable();
    PERFORM rd_canvas_role_validate(acct, NULL, nm, base, true);
    BEGIN
        INSERT INTO roles AS x (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
        VALUES (rd_tenant(), rd_canvas_root_of(acct), acct, nm, base, 'active')
        RETURNING x.* INTO r;
    EXCEPTION WHEN unique_violation THEN
        PERFORM rd_canvas_role_dup();
    END;
    warnings := rd_canvas_apply_permissions(chain, r, p_permissions);
    RETURN rd_canvas_json_extend(rd_canvas_role_body(chain, r.id, warnings),
        CASE base WHEN 'StudentEnrollment' THEN '"base_role_type_label":"Student"'
                  WHEN 'TeacherEnrollment' THEN '"base_role_type_label":"Teacher"'
                  WHEN 'TaEnrollment' THEN '"base_role_type_label":"TA"'
                  WHEN 'DesignerEnrollment' THEN '"base_role_type_label":"Designer"'
                  WHEN 'ObserverEnrollment' THEN '"base_role_type_label":"Observer"' END);
END $$;

-- PUT /api/v1/accounts/:account_id/roles/:id (§2.6): rename (label), then permissions at the URL account,
-- all in one transaction (nothing is written when any part fails).
CREATE FUNCTION rd_canvas_roles_update(p_ref text, p_role text, p_perm text, p_bad text, p_label text,
                                       p_permissions json) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
    warnings text;
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    IF p_bad IS NOT NULL THEN
        PERFORM rd_canvas_bad(p_bad);
    END IF;
    PERFORM rd_canvas_writable();
    -- serialise writers of this role (rename, overrides, state)
    SELECT x.* INTO r FROM roles x WHERE x.tenant_id = rd_tenant() AND x.id = r.id FOR UPDATE;
    IF r.workflow_state = 'deleted' THEN
        RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
    END IF;
    IF NOT rd_canvas_blank(p_label) AND p_label <> rd_canvas_role_label(r.name, r.workflow_state) THEN
        IF r.workflow_state = 'built_in' THEN
            PERFORM rd_canvas_bad('cannot update the ''label'' for a built-in role');
        ELSIF r.account_id <> chain[1] THEN
            PERFORM rd_canvas_bad('cannot update the ''label'' for an inherited role');
        END IF;
        PERFORM rd_canvas_role_validate(chain[1], r.id, p_label, r.base_role_type, r.workflow_state = 'active');
        BEGIN
            UPDATE roles x SET name = p_label, updated_at = now()
             WHERE x.tenant_id = rd_tenant() AND x.id = r.id
            RETURNING x.* INTO r;
        EXCEPTION WHEN unique_violation THEN
            PERFORM rd_canvas_role_dup();
        END;
    END IF;
    warnings := rd_canvas_apply_permissions(chain, r, p_permissions);
    RETURN rd_canvas_role_body(chain, r.id, warnings);
END $$;

-- DELETE /api/v1/accounts/:account_id/roles/:id (§2.7): deactivates; checks in the spec's order.
CREATE FUNCTION rd_canvas_roles_deactivate(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    PERFORM rd_canvas_writable();
    SELECT x.* INTO r FROM roles x WHERE x.tenant_id = rd_tenant() AND x.id = r.id FOR UPDATE;
    IF r.workflow_state = 'inactive' THEN
        PERFORM rd_canvas_bad('Cannot deactivate an already inactive role');
    ELSIF r.workflow_state = 'built_in' THEN
        PERFORM rd_canvas_bad('Cannot remove a built-in role');
    ELSIF r.workflow_state = 'deleted' THEN
        RAISE EXCEPTION 'role not found' USING ERRCODE = 'RDR04';
    ELSIF r.account_id <> chain[1] THEN
        PERFORM rd_not_found();
    END IF;
    UPDATE roles x SET workflow_state = 'inactive', updated_at = now()
     WHERE x.tenant_id = rd_tenant() AND x.id = r.id;
    RETURN rd_canvas_role_body(chain, r.id, NULL);
END $$;

-- POST /api/v1/accounts/:account_id/roles/:id/activate (§2.7).
CREATE FUNCTION rd_canvas_roles_activate(p_ref text, p_role text, p_perm text) RETURNS text
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
DECLARE
    chain bigint[] := rd_canvas_chain(rd_account_resolve(p_ref));
    r roles := rd_canvas_role_find(chain, p_role);
BEGIN
    PERFORM rd_canvas_require(chain, p_perm);
    PERFORM rd_canvas_writable();
    SELECT x.* INTO r FROM roles x WHERE x.tenant_id = rd_tenant() AND x.id = r.id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM roles x
                WHERE x.tenant_id = rd_tenant() AND x.account_id = chain[1] AND x.name = r.name
                  AND x.workflow_state = 'active') THEN
        PERFORM rd_canvas_bad('An active role already exists with that name');
    END IF;
    IF r.workflow_state <> 'inactive' THEN
        PERFORM rd_canvas_bad('Role not found');
    END IF;
    BEGIN
        UPDATE roles x SET workflow_state = 'active', updated_at = now()
         WHERE x.tenant_id = rd_tenant() AND x.id = r.id;
    EXCEPTION WHEN unique_violation THEN
        -- the role is defined on an ancestor that already has an active role of that name
        PERFORM rd_canvas_role_dup();
    END;
    RETURN rd_canvas_role_body(chain, r.id, NULL);
END $$;
