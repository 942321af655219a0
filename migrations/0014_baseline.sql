-- The schema as of migrations 0001-0014 (folded): tables, indexes, constraints, policies, grants and
-- catalogue data. Functions live in migrations/functions/. A database migrated before the fold records
-- 0001-0014 by their old names; `rolesd migrate` replaces those rows with this one (README, "Migrations").

-- ===== from 0001_core.sql =====


CREATE TABLE tenants (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (name <> ''),
    root_account_id bigint,
    -- Canvas permission conditions (feature flags, account settings, plugins): see 0002.
    settings        jsonb NOT NULL DEFAULT '{}'::jsonb,
    read_only       boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);


CREATE TABLE tenant_hosts (
    host      text PRIMARY KEY CHECK (host = lower(host) AND host <> ''),
    tenant_id bigint NOT NULL REFERENCES tenants ON DELETE CASCADE
);

CREATE INDEX tenant_hosts_tenant ON tenant_hosts (tenant_id);


CREATE TABLE accounts (
    tenant_id         bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id                bigserial,
    parent_account_id bigint,
    root_account_id   bigint,
    name              text NOT NULL,
    uuid              uuid NOT NULL DEFAULT gen_random_uuid(),
    sis_account_id    text,
    workflow_state    text NOT NULL DEFAULT 'active' CHECK (workflow_state IN ('active', 'deleted')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_account_id) REFERENCES accounts (tenant_id, id),
    CHECK (parent_account_id IS DISTINCT FROM id),
    CHECK ((parent_account_id IS NULL) = (root_account_id IS NULL))
);

CREATE INDEX accounts_parent ON accounts (tenant_id, parent_account_id, id);

CREATE UNIQUE INDEX accounts_sis ON accounts (tenant_id, sis_account_id)
    WHERE sis_account_id IS NOT NULL AND workflow_state <> 'deleted';


CREATE TABLE users (
    tenant_id      bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id             bigserial,
    name           text NOT NULL,
    sortable_name  text,
    short_name     text,
    login_id       text,
    sis_user_id    text,
    account_id     bigint,
    -- api2 "Administrator user" (may use /api2/roles).
    is_admin       boolean NOT NULL DEFAULT false,
    workflow_state text NOT NULL DEFAULT 'active' CHECK (workflow_state IN ('active', 'deleted')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX users_login ON users (tenant_id, lower(login_id)) WHERE login_id IS NOT NULL;

CREATE UNIQUE INDEX users_sis ON users (tenant_id, sis_user_id) WHERE sis_user_id IS NOT NULL;


CREATE TABLE access_tokens (
    tenant_id    bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id           bigserial,
    user_id      bigint NOT NULL,
    -- SHA-256 of the token; the token itself is never stored.
    token_hash   bytea NOT NULL CHECK (length(token_hash) = 32),
    token_hint   text NOT NULL,
    purpose      text,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE UNIQUE INDEX access_tokens_hash ON access_tokens (tenant_id, token_hash);

CREATE INDEX access_tokens_user ON access_tokens (tenant_id, user_id);


-- Canvas roles (canvas-roles.md §1.2). Built-in roles have account_id NULL and workflow_state 'built_in'.
CREATE TABLE roles (
    tenant_id       bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id              bigserial,
    root_account_id bigint NOT NULL,
    account_id      bigint,
    name            text NOT NULL,
    base_role_type  text NOT NULL CHECK (base_role_type IN ('AccountAdmin', 'AccountMembership',
                        'StudentEnrollment', 'TeacherEnrollment', 'TaEnrollment', 'DesignerEnrollment',
                        'ObserverEnrollment', 'NoPermissions')),
    workflow_state  text NOT NULL CHECK (workflow_state IN ('active', 'inactive', 'built_in', 'deleted')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, root_account_id) REFERENCES accounts (tenant_id, id),
    CHECK ((workflow_state = 'built_in') = (account_id IS NULL))
);

CREATE UNIQUE INDEX roles_active_name ON roles (tenant_id, account_id, name) WHERE workflow_state = 'active';

CREATE UNIQUE INDEX roles_builtin_name ON roles (tenant_id, root_account_id, name) WHERE workflow_state = 'built_in';

CREATE INDEX roles_account ON roles (tenant_id, account_id, id);


CREATE TABLE role_overrides (
    tenant_id              bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id                     bigserial,
    account_id             bigint NOT NULL,
    role_id                bigint NOT NULL,
    permission             text NOT NULL,
    enabled                boolean NOT NULL DEFAULT true,
    locked                 boolean NOT NULL DEFAULT false,
    applies_to_self        boolean NOT NULL DEFAULT true,
    applies_to_descendants boolean NOT NULL DEFAULT true,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, account_id, role_id, permission),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id),
    CONSTRAINT role_overrides_applies_to_something CHECK (applies_to_self OR applies_to_descendants)
);

CREATE INDEX role_overrides_role ON role_overrides (tenant_id, role_id, account_id);


-- Account admins: who holds which account role where (Canvas AccountUser).
CREATE TABLE account_users (
    tenant_id      bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id             bigserial,
    account_id     bigint NOT NULL,
    user_id        bigint NOT NULL,
    role_id        bigint NOT NULL,
    workflow_state text NOT NULL DEFAULT 'active' CHECK (workflow_state IN ('active', 'deleted')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id)
);

CREATE UNIQUE INDEX account_users_active ON account_users (tenant_id, account_id, user_id, role_id)
    WHERE workflow_state = 'active';

CREATE INDEX account_users_user ON account_users (tenant_id, user_id) WHERE workflow_state = 'active';


-- Row-level security: one policy per tenant-owned table.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'users', 'access_tokens', 'roles', 'role_overrides', 'account_users']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = NULLIF(current_setting(''rolesd.tenant_id'', true), '''')::bigint) '
                       'WITH CHECK (tenant_id = NULLIF(current_setting(''rolesd.tenant_id'', true), '''')::bigint)', t);
    END LOOP;
END $$;


ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_self ON tenants USING (id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);


-- The app role reads and writes tenant data; it never sees tenant_hosts directly.
GRANT SELECT ON tenants TO rolesd_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, users, access_tokens, roles, role_overrides, account_users
    TO rolesd_app;

GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO rolesd_app;

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO rolesd_app;

-- ===== from 0002_canvas.sql =====

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


-- (rd_canvas_listed and rd_canvas_state_json written out: schema files run before the function files)
WITH hidden AS (
    SELECT coalesce(array_agg(DISTINCT o), '{}') AS ords FROM canvas_conditions c CROSS JOIN unnest(c.ords) o
     WHERE NOT c.default_on
), m AS (
    SELECT b.base_role_type, k.is_root,
           array_agg(CASE WHEN ((p.account_only IN ('none', 'account') OR (p.account_only = 'root' AND k.is_root)) AND NOT (p.json_root_only AND NOT k.is_root))
                          THEN p.json_head || st.json || p.json_tail END
                     ORDER BY p.ord) AS members,
           array_agg(CASE WHEN ((p.account_only IN ('none', 'account') OR (p.account_only = 'root' AND k.is_root)) AND NOT (p.json_root_only AND NOT k.is_root)) AND NOT (p.ord = ANY (hidden.ords))
                          THEN p.json_head || st.json || p.json_tail END
                     ORDER BY p.ord) AS members_default
      FROM canvas_permission_bases b
      JOIN canvas_permissions p ON p.ord = b.ord
     CROSS JOIN (VALUES (true), (false)) k(is_root)
     CROSS JOIN hidden
     CROSS JOIN LATERAL (SELECT '"explicit":' || (s & 16 <> 0) || ',"readonly":' || (s & 8 <> 0) || ',"enabled":' || (s & 3 <> 0)
                   || CASE WHEN s & 3 <> 0
                           THEN ',"applies_to_descendants":' || (s & 2 <> 0) || ',"applies_to_self":' || (s & 1 <> 0)
                           ELSE '' END
                   || ',"locked":' || (s & 4 <> 0)
                   || CASE WHEN s & 16 <> 0 THEN ',"prior_default":' || (s & 32 <> 0) ELSE '' END
                   FROM (SELECT b.default_state AS s) x) st(json)
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

-- ===== from 0003_api2.sql =====

-- 0003_api2: the api2 Roles API (api2-roles.md): permission catalogue and dependency edges as data,
-- per-tenant roles and their permissions, the dependency closure as recursive CTEs, the tenant seed, and one
-- function per endpoint.
--
-- Every endpoint is ONE function call after rd_ctx (one round trip, one transaction). Each function checks
-- the caller first (RDU01 anonymous -> 401, RD403 not an Administrator user -> 403), then, for writes, the
-- tenant's read-only mode (RDRO1 -> 503), then finds the role (RDR04 -> 404 "Role not found", locked FOR
-- UPDATE by every write so concurrent writes on one role serialise), then validates (RD422 with a JSON array
-- of {field, message} objects as DETAIL -> 422, nothing written), then works and returns compact JSON text.
--
-- Request values arrive as jsonb exactly as the client sent them (NULL when absent), so type errors are
-- reported here, after authorization, together with every other invalid value.

-- ---------------------------------------------------------------------------------------------------------
-- Catalogue (global, not tenant-owned)
-- ---------------------------------------------------------------------------------------------------------

-- Names use the C collation so "sorted by name" is byte order on every server.
CREATE TABLE api2_permissions (
    name        text COLLATE "C" PRIMARY KEY CHECK (name ~ '^[a-z]+(-[a-z]+)*$'),
    description text NOT NULL
);


-- permission requires depends_on (api2-roles.md §2). The graph must stay acyclic; the closure CTEs still
-- terminate on a cycle because they are set-based (UNION).
CREATE TABLE api2_permission_deps (
    permission text COLLATE "C" NOT NULL REFERENCES api2_permissions,
    depends_on text COLLATE "C" NOT NULL REFERENCES api2_permissions,
    PRIMARY KEY (permission, depends_on),
    CHECK (permission <> depends_on)
);

CREATE INDEX api2_permission_deps_reverse ON api2_permission_deps (depends_on, permission);


INSERT INTO api2_permissions (name, description) VALUES
    ('admin-panel-access', 'Access the admin panel'),
    ('collection-create', 'Create collections'),
    ('collection-delete', 'Delete collections'),
    ('collection-move', 'Move collections'),
    ('collection-read', 'List and view collections'),
    ('collection-share', 'Share collections'),
    ('collection-update', 'Edit collections'),
    ('comment-create', 'Post comments'),
    ('comment-delete', 'Delete comments'),
    ('comment-read', 'View comments'),
    ('comment-update', 'Approve comments'),
    ('media-create', 'Create and upload media'),
    ('media-delete', 'Delete media'),
    ('media-download', 'Download media'),
    ('media-like', 'Like media'),
    ('media-play', 'Play media'),
    ('media-publish', 'Publish media'),
    ('media-read', 'List and view media'),
    ('media-update', 'Edit media');


INSERT INTO api2_permission_deps (permission, depends_on) VALUES
    ('collection-create', 'collection-read'),
    ('collection-delete', 'collection-read'),
    ('collection-move', 'collection-create'),
    ('collection-move', 'collection-delete'),
    ('collection-move', 'collection-update'),
    ('collection-share', 'collection-update'),
    ('collection-update', 'collection-read'),
    ('comment-create', 'comment-read'),
    ('comment-delete', 'comment-read'),
    ('comment-read', 'media-read'),
    ('comment-update', 'comment-read'),
    ('media-create', 'media-read'),
    ('media-delete', 'media-update'),
    ('media-download', 'media-read'),
    ('media-like', 'media-read'),
    ('media-play', 'media-read'),
    ('media-publish', 'media-create'),
    ('media-read', 'collection-read'),
    ('media-update', 'media-read'),
    ('media-update', 'admin-panel-access');


-- ---------------------------------------------------------------------------------------------------------
-- Roles (tenant-owned)
-- ---------------------------------------------------------------------------------------------------------

CREATE TABLE api2_roles (
    tenant_id    bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id           bigserial,
    display_name text NOT NULL CHECK (display_name !~ '^[[:space:]]*$' AND length(display_name) <= 255),
    deletable    boolean NOT NULL DEFAULT true,
    lti          boolean NOT NULL DEFAULT false,
    created_on   timestamptz NOT NULL DEFAULT now(),
    modified_on  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

-- display names are unique per tenant, case-insensitively
CREATE UNIQUE INDEX api2_roles_display_name ON api2_roles (tenant_id, lower(display_name));


CREATE TABLE api2_role_permissions (
    tenant_id  bigint NOT NULL,
    role_id    bigint NOT NULL,
    permission text COLLATE "C" NOT NULL REFERENCES api2_permissions,
    PRIMARY KEY (tenant_id, role_id, permission),
    FOREIGN KEY (tenant_id, role_id) REFERENCES api2_roles (tenant_id, id) ON DELETE CASCADE
);

-- the list filter "has all of these permissions"
CREATE INDEX api2_role_permissions_permission ON api2_role_permissions (tenant_id, permission, role_id);


ALTER TABLE api2_roles ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON api2_roles USING (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint) WITH CHECK (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);

ALTER TABLE api2_role_permissions ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON api2_role_permissions USING (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint)
    WITH CHECK (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);


GRANT SELECT ON api2_permissions, api2_permission_deps TO rolesd_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON api2_roles, api2_role_permissions TO rolesd_app;

GRANT USAGE ON SEQUENCE api2_roles_id_seq TO rolesd_app;


