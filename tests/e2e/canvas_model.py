"""A model of Canvas role-override resolution written from the spec text alone (canvas-roles.md §1.3, §1.4,
§2.2, §2.8, §2.9, §3, §4), standard library only. tests/e2e/test_canvas_model_check.py checks the service
against it: role JSON permissions at every account and users' permission checks after random writes.

Registry: one line per permission of §4.4: name, account_only (- account root site_admin), course letters
S/T/A/D/O (upper = on by default, lower = available, '.' = not available), AccountAdmin (on / off / locked =
on but not available), group (- none), condition (- none; a+b = both needed).
"""

REGISTRY_TEXT = """
become_user root ..... on - -
import_sis root ..... on - -
create_access_tokens root ..... on users_manage_access_tokens admin_manage_access_tokens
delete_access_tokens root ..... on users_manage_access_tokens admin_manage_access_tokens
manage_account_memberships account ..... locked - -
manage_account_settings account ..... locked - -
manage_alerts account ..... on - -
manage_catalog account ..... on - catalog_enabled
manage_courses_admin account ..... on manage_courses -
manage_courses_add account ..... on manage_courses -
manage_courses_publish - .TaD. on manage_courses -
manage_courses_conclude - .TaD. on manage_courses -
manage_courses_reset - .t.d. on manage_courses -
manage_courses_delete - .t.d. on manage_courses -
undelete_courses account ..... on - -
view_archived_courses - .t.d. on manage_courses course_archival
manage_data_services account ..... on - -
manage_course_visibility - .TAD. on - -
manage_developer_keys account ..... on - -
moderate_user_content account ..... on - -
view_feature_flags - ..... on - -
manage_feature_flags - ..... on - -
manage_frozen_assignments - ..... on - plugin_assignment_freezer
manage_global_outcomes site_admin ..... on - -
manage_jobs site_admin ..... on - -
manage_lti_registrations root ..... on - lti_registrations_page
manage_release_notes site_admin ..... on - -
manage_master_courses account ..... on - -
manage_role_overrides account ..... locked - -
manage_storage_quotas account ..... on - -
manage_sis root ..... on - -
manage_site_settings site_admin ..... on - -
manage_internal_settings site_admin ..... on - -
manage_user_logins root ..... on - -
manage_dsr_requests root ..... on - enable_dsr_requests
manage_user_observers root ..... on - -
read_course_content - ..... on - -
read_course_list account ..... on - -
read_messages site_admin ..... on - -
reset_any_mfa root ..... on - mfa_enabled
view_course_changes root ..... on - -
view_error_reports site_admin ..... on - -
view_grade_changes account ..... on - -
view_jobs site_admin ..... on - -
view_notifications account ..... off - admins_can_view_notifications
view_statistics account ..... on - -
create_collaborations - STADo on - -
create_conferences - STADo on - -
create_forum - STADo on - -
generate_observer_pairing_code - .tado on - -
import_outcomes - .TaDo on - -
manage_lti_add - .TAD. on manage_lti -
manage_lti_edit - .TAD. on manage_lti -
manage_lti_delete - .TAD. on manage_lti -
allow_course_admin_actions - .Tad. on - -
add_teacher_to_course - .Tad. on manage_course_teacher_enrollments -
remove_teacher_from_course - .Tad. on manage_course_teacher_enrollments -
add_ta_to_course - .Tad. on manage_course_ta_enrollments -
remove_ta_from_course - .Tad. on manage_course_ta_enrollments -
add_observer_to_course - .TAD. on manage_course_observer_enrollments -
remove_observer_from_course - .TAD. on manage_course_observer_enrollments -
add_designer_to_course - .Tad. on manage_course_designer_enrollments -
remove_designer_from_course - .Tad. on manage_course_designer_enrollments -
manage_assignments_add - .TADo on manage_assignments_and_quizzes -
manage_assignments_edit - .TADo on manage_assignments_and_quizzes -
manage_assignments_delete - .TADo on manage_assignments_and_quizzes -
manage_account_calendar_visibility account ..... on manage_account_calendar -
manage_account_calendar_events account ..... on manage_account_calendar -
manage_calendar - sTADo on - -
manage_course_content_add - .TADo on manage_course_content -
manage_course_content_edit - .TADo on manage_course_content -
manage_course_content_delete - .TADo on manage_course_content -
add_course_template account ..... on manage_course_templates -
edit_course_template account ..... on manage_course_templates -
delete_course_template account ..... on manage_course_templates -
manage_account_banks - .t.d. on - -
share_banks_with_subaccounts - .tad. on - new_quizzes_subaccount_sharing_permission
manage_files_add - .TADo on manage_files -
manage_files_edit - .TADo on manage_files -
manage_files_delete - .TADo on manage_files -
manage_grades - .TA.. on - -
manage_groups_add - .TAD. on manage_groups -
manage_groups_manage - .TAD. on manage_groups -
manage_groups_delete - .TAD. on manage_groups -
manage_tags_add - .Tad. on manage_differentiation_tags differentiation_tags
manage_tags_manage - .Tad. on manage_differentiation_tags differentiation_tags
manage_tags_delete - .Tad. on manage_differentiation_tags differentiation_tags
manage_interaction_alerts - .Ta.. on - -
manage_outcomes - sTaDo on - -
manage_proficiency_calculations - .t.d. on - -
manage_proficiency_scales - .t.d. on - -
manage_sections_add - .TaD. on manage_sections -
manage_sections_edit - .TaD. on manage_sections -
manage_sections_delete - .TaD. on manage_sections -
manage_students - .TAD. on - -
add_student_to_course - .TAD. on manage_course_student_enrollments -
remove_student_from_course - .TAD. on manage_course_student_enrollments -
temporary_enrollments_add account ..... on manage_temporary_enrollments temporary_enrollments
temporary_enrollments_edit account ..... on manage_temporary_enrollments temporary_enrollments
temporary_enrollments_delete account ..... on manage_temporary_enrollments temporary_enrollments
manage_rubrics - .TAD. on - -
manage_wiki_create - .TADo on manage_wiki -
manage_wiki_update - .TADo on manage_wiki -
manage_wiki_delete - .TADo on manage_wiki -
moderate_forum - sTADo on - -
new_quizzes_view_ip_address - ..... on - -
post_to_forum - STADo on - -
proxy_assignment_submission - .ta.. off - proxy_file_uploads
read_announcements - STADO on - -
read_email_addresses - sTAdo on - -
read_forum - STADO on - -
read_question_banks - .TADo on - -
read_reports - .TAD. on - -
read_roster - STADo on - -
read_sis - sTa.. on - -
select_final_grade - .TA.. on - -
send_messages - STADo on - -
send_messages_all - sTADo on - -
view_audit_trail - .t... on - -
view_all_grades - .TAd. on - -
view_group_pages - sTADo on - -
view_quiz_answer_audits - ..... on - quiz_log_auditing
view_user_logins - .TA.. on - -
view_admin_analytics account ..... on - admin_analytics_view_permission
view_analytics_hub account ..... on - analytics_hub
view_ask_questions_analytics account ..... on view_advanced_analytics advanced_analytics_ask_questions
view_students_in_need account ..... on view_advanced_analytics k20_students_in_need_of_attention
view_students_in_need_in_course - .Ta.. on - k20_students_in_need_of_attention
view_course_readiness account ..... on view_advanced_analytics k20_course_readiness
view_title_iv_financial_aid_report account ..... on view_advanced_analytics title_iv_financial_aid_report
manage_impact root ..... on - -
block_editor_template_editor - .t.d. on - block_editor+block_template_editor
block_editor_global_template_editor - .t.d. on - block_editor+block_template_editor
new_quizzes_multiple_session_detection - .t... on - -
manage_users_in_bulk - ..... on - horizon_bulk_api_permission
"""

ACCOUNT_ADMIN, ACCOUNT_MEMBERSHIP, NO_PERMISSIONS = "AccountAdmin", "AccountMembership", "NoPermissions"
COURSE_TYPES = ["StudentEnrollment", "TeacherEnrollment", "TaEnrollment", "DesignerEnrollment", "ObserverEnrollment"]
BASE_TYPES = [ACCOUNT_ADMIN, ACCOUNT_MEMBERSHIP] + COURSE_TYPES + [NO_PERMISSIONS]

# README "Permission conditions": defaults of a fresh tenant
DEFAULT_CONDITIONS_ON = {"lti_registrations_page", "quiz_log_auditing", "admin_manage_access_tokens"}

SELF, DESC = "self", "descendants"
FULL = frozenset([SELF, DESC])
OFF = frozenset()


class Perm:
    def __init__(self, line):
        name, only, letters, aa, group, cond = line.split()
        self.name, self.only = name, only
        self.group = None if group == "-" else group
        self.conds = [] if cond == "-" else cond.split("+")
        self.available = {ACCOUNT_MEMBERSHIP}
        self.true_for = set()
        if aa in ("on", "off"):
            self.available.add(ACCOUNT_ADMIN)
        if aa in ("on", "locked"):
            self.true_for.add(ACCOUNT_ADMIN)
        for t, ch in zip(COURSE_TYPES, letters):
            if ch != ".":
                self.available.add(t)
            if ch.isupper():
                self.true_for.add(t)


PERMS = [Perm(l) for l in REGISTRY_TEXT.strip().splitlines()]
BY_NAME = {p.name: p for p in PERMS}
GROUPS = {}
for _p in PERMS:
    if _p.group:
        GROUPS.setdefault(_p.group, []).append(_p.name)


def value_to_boolean(v):
    """§2.2 (Canvas value_to_boolean)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.lower()
        if s in ("yes", "y", "true", "t", "on", "1"):
            return True
        if s in ("no", "n", "false", "f", "off", "0"):
            return False
        return ruby_to_i(v) != 0
    if isinstance(v, int):
        return v != 0
    if v is None:
        return False
    raise ValueError(v)


def ruby_to_i(s):
    s = s.lstrip()
    i = 0
    if i < len(s) and s[i] in "+-":
        i += 1
    j = i
    while j < len(s) and (s[j].isdigit() or (s[j] == "_" and j > i and j + 1 < len(s) and s[j + 1].isdigit())):
        j += 1
    digits = s[i:j].replace("_", "")
    if not digits:
        return 0
    n = int(digits)
    return -n if s[:1] == "-" else n


class Account:
    def __init__(self, id, parent=None):
        self.id, self.parent = id, parent

    @property
    def is_root(self):
        return self.parent is None

    def chain(self):
        """[root, ..., self]"""
        out, a = [], self
        while a is not None:
            out.append(a)
            a = a.parent
        return out[::-1]


class Role:
    def __init__(self, id, name, base, account=None, state="built_in"):
        self.id, self.name, self.base, self.account, self.state = id, name, base, account, state

    @property
    def is_course_role(self):
        return self.base in COURSE_TYPES

    @property
    def is_account_role(self):
        return self.base in (ACCOUNT_ADMIN, ACCOUNT_MEMBERSHIP)

    def visible_at(self, acct):
        return self.account is None or self.account in acct.chain()


class BadRequest(Exception):
    pass


class Model:
    def __init__(self, conditions_on=None):
        self.conds = set(DEFAULT_CONDITIONS_ON if conditions_on is None else conditions_on)
        self.rows = {}   # (account id, role id, perm) -> dict(enabled, locked, self, desc)

    # ---- §1.4 ----
    def allows(self, p):
        return all(c in self.conds for c in p.conds)

    def manageable(self, acct, base=None):
        out = []
        for p in PERMS:
            if p.only == "site_admin":          # there is no Site Admin account
                continue
            if p.only == "root" and not acct.is_root:
                continue
            if base is not None and base not in p.available:
                continue
            if not self.allows(p):
                continue
            out.append(p)
        return out

    def json_keys(self, acct):
        return [p.name for p in self.manageable(acct) if not (p.name == "manage_developer_keys" and not acct.is_root)]

    # ---- §2.8 ----
    def apply(self, acct, role, entries):
        """entries: list of (key, settings dict of raw values). Atomic: raises BadRequest, nothing written."""
        m = self.manageable(acct, role.base if role.is_course_role else None)
        mnames = {p.name for p in m}
        targets = {}
        for p in m:
            targets[p.name] = [(p.name, p.group is not None, None)]
        for p in m:
            if p.group:
                targets.setdefault(p.group, [])
        for g in list(targets):
            if g in GROUPS and g not in BY_NAME:
                targets[g] = []
                for member in GROUPS[g]:
                    if member in mnames:
                        row = self.rows.get((acct.id, role.id, member))
                        targets[g].append((member, False, row["enabled"] if row else None))
        saved = {k: dict(v) for k, v in self.rows.items()}
        try:
            for key, s in entries:
                if "readonly" in s and value_to_boolean(s["readonly"]):
                    continue
                if key not in targets:
                    continue
                ts = targets[key]
                if "locked" in s and any(gran for _, gran, _ in ts):
                    raise BadRequest("Cannot change locked status on granular permission")
                locked = value_to_boolean(s["locked"]) if "locked" in s else None
                explicit = value_to_boolean(s.get("explicit"))
                override = value_to_boolean(s["enabled"]) if ("enabled" in s and explicit) else None
                ats = value_to_boolean(s["applies_to_self"]) if "applies_to_self" in s else None
                atd = value_to_boolean(s["applies_to_descendants"]) if "applies_to_descendants" in s else None
                if ats is False and atd is False:
                    raise BadRequest("Permission must be enabled for someone")
                for name, _, currently in ts:
                    value = currently if (explicit and override is None) else override
                    self.manage_role_override(acct, role, name, value, locked, ats, atd)
        except BadRequest:
            self.rows = saved
            raise

    def manage_role_override(self, acct, role, perm, value, locked, ats, atd):
        k = (acct.id, role.id, perm)
        row = self.rows.get(k)
        if value is None and not locked:
            self.rows.pop(k, None)
            return
        if row is None:
            row = {"enabled": True, "locked": False, "self": True, "desc": True}
            self.rows[k] = row
        if value is not None:
            row["enabled"] = value
        if locked is not None:
            row["locked"] = locked
        if ats is not None:
            row["self"] = ats
        if atd is not None:
            row["desc"] = atd
        if not (row["self"] or row["desc"]):
            raise BadRequest("Must apply to something")

    # ---- §3.1 ----
    def resolve(self, perm, role, x, rc):
        """General form; returns dict(value, locked, readonly, explicit, prior, ctx)."""
        p = BY_NAME[perm]
        allows = self.allows(p)
        base = role.base
        value = FULL if (allows and base in p.true_for) else OFF
        locked = base not in p.available or not allows
        r = {"value": value, "locked": locked, "readonly": locked, "explicit": False, "prior": None, "ctx": None}
        if (p.only == "root" and not rc.is_root) or p.only == "site_admin":
            r["value"] = OFF
            return r
        if locked:
            return r
        chain = x.chain()
        entries = [(a, self.rows.get((a.id, role.id, perm))) for a in chain]
        if all(row is None for _, row in entries):
            entries = []
        hit_rc = processed_x = False
        explicit, prior, ctx = False, None, None
        for a, row in entries:
            locked = row["locked"] if row else False
            prior = value
            if row is None and a is x:
                if value == frozenset([DESC]):
                    value = FULL
                elif value == frozenset([SELF]):
                    value = OFF
            if row is not None:
                if a is x:
                    explicit = True
                contrib = OFF
                if row["enabled"]:
                    contrib = frozenset(([SELF] if row["self"] else []) + ([DESC] if row["desc"] else []))
                value = (value if value else contrib) if hit_rc else contrib
                ctx = a
            if a is x:
                processed_x = True
            hit_rc = hit_rc or a is rc
            if locked:
                break
            if value and hit_rc:
                break
        readonly = r["readonly"]
        if not processed_x:
            prior = value
            readonly = readonly or locked
        return {"value": value, "locked": locked, "readonly": readonly, "explicit": explicit,
                "prior": prior, "ctx": ctx}

    def role_permission_json(self, role, c, perm):
        """§2.9 entry for permission perm of role as seen from account c (X = RC = C)."""
        r = self.resolve(perm, role, c, c)
        out = {"enabled": bool(r["value"]), "locked": r["locked"], "readonly": r["readonly"],
               "explicit": r["explicit"]}
        if r["explicit"]:
            out["prior_default"] = bool(r["prior"])
        if r["value"]:
            out["applies_to_self"] = SELF in r["value"]
            out["applies_to_descendants"] = DESC in r["value"]
        g = BY_NAME[perm].group
        if g:
            out["group"] = g
        return out

    def role_permissions_json(self, role, c):
        return {k: self.role_permission_json(role, c, k) for k in self.json_keys(c)}

    # ---- §3.3 ----
    def membership_grants(self, role, held_on, x, perm):
        if held_on not in x.chain():
            return False
        r = self.resolve(perm, role, x, held_on)
        if not r["value"]:
            return False
        return (SELF if r["ctx"] is x else DESC) in r["value"]

    def user_has(self, memberships, x, perm):
        """memberships: list of (role, account). A deactivated role still counts (Canvas' Deactivate a role:
        "Existing users assigned to the role will continue to function with the same permissions"); a
        deleted one does not."""
        return any(self.membership_grants(role, acct, x, perm) for role, acct in memberships
                   if role.state in ("active", "inactive", "built_in"))
