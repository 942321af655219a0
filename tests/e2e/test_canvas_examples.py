"""Canvas Roles API: the worked examples E1-E13 of canvas-roles.md §3.4, each through nginx with a real token.

Tree: R (the tenant's root) -> S -> X. `Auditor` is a custom AccountMembership role defined on R. Every
setup is a PUT /api/v1/accounts/<acct>/roles/<role> with permissions[...], every check reads
permissions.<name> of GET /api/v1/accounts/<acct>/roles/<role> at R, S and X.
"""

OFF = {"enabled": False, "locked": False, "readonly": False, "explicit": False}


def tree(t):
    """(R, S, X) account ids."""
    r = t.root_account_id
    s = int(t.sql("INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)"
                  " VALUES (%d, 'S', %d, %d) RETURNING id" % (t.id, r, r))[-1][0])
    x = int(t.sql("INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)"
                  " VALUES (%d, 'X', %d, %d) RETURNING id" % (t.id, s, r))[-1][0])
    return r, s, x


def setup(stack):
    t = stack.new_tenant(name="Examples School")
    r, s, x = tree(t)
    res = t.admin.post("/api/v1/accounts/%d/roles" % r, form={"label": "Auditor"})
    assert res.status == 200, res
    return t, r, s, x, res.json()["id"]


def put(t, acct, role, perm, **settings):
    form = [("permissions[%s][%s]" % (perm, k), str(v)) for k, v in settings.items()]
    res = t.admin.put("/api/v1/accounts/%d/roles/%s" % (acct, role), form=form)
    assert res.status == 200, res
    return res.json()


def perm(t, acct, role, name):
    res = t.admin.get("/api/v1/accounts/%d/roles/%s" % (acct, role))
    assert res.status == 200, res
    return res.json()["permissions"][name]


def on(self=True, desc=True, **kw):
    d = {"enabled": True, "applies_to_self": self, "applies_to_descendants": desc, "locked": False,
         "readonly": False, "explicit": False}
    d.update(kw)
    return d


def check(t, role, name, accounts, wants):
    for acct, want in zip(accounts, wants):
        got = perm(t, acct, role, name)
        assert got == want, "account %d: got %r, want %r" % (acct, got, want)


def test_e1_no_overrides(stack):
    t, r, s, x, aud = setup(stack)
    check(t, aud, "read_reports", [r, s, x], [OFF, OFF, OFF])


def test_e2_grant_cascades(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", explicit=1, enabled=1)
    check(t, aud, "read_reports", [r, s, x],
          [on(explicit=True, prior_default=False), on(), on()])


def test_e3_not_applies_to_self(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", explicit=1, enabled=1, applies_to_self=0)
    check(t, aud, "read_reports", [r, s, x],
          [on(self=False, explicit=True, prior_default=False), on(), on()])


def test_e4_not_applies_to_descendants(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", explicit=1, enabled=1, applies_to_descendants=0)
    check(t, aud, "read_reports", [r, s, x],
          [on(desc=False, explicit=True, prior_default=False), OFF, OFF])


def test_e5_lock_at_root(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", explicit=1, enabled=1, locked=1)
    check(t, aud, "read_reports", [r, s, x],
          [on(locked=True, explicit=True, prior_default=False),
           on(locked=True, readonly=True), on(locked=True, readonly=True)])


def test_e5b_write_under_lock_is_stored_without_effect(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", explicit=1, enabled=1, locked=1)
    body = put(t, s, aud, "read_reports", explicit=1, enabled=0)
    # rolesd's deliberate addition: the answer says which account's lock makes the write ineffective
    assert body["warnings"][0]["permission"] == "read_reports", body.get("warnings")
    assert body["warnings"][0]["locked_by_account_id"] == r, body["warnings"]
    rows = t.sql("SELECT enabled FROM role_overrides WHERE account_id = %d AND role_id = %d"
                 " AND permission = 'read_reports'" % (s, aud))
    assert rows[-1:] == [["f"]], rows
    check(t, aud, "read_reports", [r, s, x],
          [on(locked=True, explicit=True, prior_default=False),
           on(locked=True, readonly=True), on(locked=True, readonly=True)])


def test_e6_locked_self_only_grant(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", explicit=1, enabled=1, applies_to_descendants=0, locked=1)
    check(t, aud, "read_reports", [r, s, x],
          [on(desc=False, locked=True, explicit=True, prior_default=False),
           on(desc=False, locked=True, readonly=True), on(desc=False, locked=True, readonly=True)])


def test_e7_deny_on_sub_account(stack):
    t, r, s, x, _ = setup(stack)
    put(t, s, "TeacherEnrollment", "moderate_forum", explicit=1, enabled=0)
    check(t, "TeacherEnrollment", "moderate_forum", [r, s, x],
          [on(), dict(OFF, explicit=True, prior_default=True), OFF])


def test_e8_nearest_override_wins(stack):
    t, r, s, x, _ = setup(stack)
    put(t, r, "TeacherEnrollment", "moderate_forum", explicit=1, enabled=0)
    put(t, s, "TeacherEnrollment", "moderate_forum", explicit=1, enabled=1)
    check(t, "TeacherEnrollment", "moderate_forum", [r, s, x],
          [dict(OFF, explicit=True, prior_default=True), on(explicit=True, prior_default=False), on()])


def test_e9_lock_on_sub_account(stack):
    t, r, s, x, aud = setup(stack)
    put(t, s, aud, "read_reports", explicit=1, enabled=1, locked=1)
    check(t, aud, "read_reports", [r, s, x],
          [OFF, on(locked=True, explicit=True, prior_default=False), on(locked=True, readonly=True)])


def test_e10_lock_only_row_is_enabled(stack):
    t, r, s, x, aud = setup(stack)
    put(t, r, aud, "read_reports", locked=1)
    check(t, aud, "read_reports", [r, s, x],
          [on(locked=True, explicit=True, prior_default=False),
           on(locked=True, readonly=True), on(locked=True, readonly=True)])


def test_e11_unavailable_permission_stays_locked_off(stack):
    t, r, s, x, _ = setup(stack)
    locked_off = {"enabled": False, "locked": True, "readonly": True, "explicit": False}
    check(t, "StudentEnrollment", "read_question_banks", [r, s, x], [locked_off] * 3)
    put(t, r, "StudentEnrollment", "read_question_banks", explicit=1, enabled=1, locked=1)
    check(t, "StudentEnrollment", "read_question_banks", [r, s, x], [locked_off] * 3)
    sid = t.admin.get("/api/v1/accounts/%d/roles/StudentEnrollment" % r).json()["id"]
    rows = t.sql("SELECT count(*) FROM role_overrides WHERE role_id = %d" % sid)
    assert rows[-1] == ["0"], "a permission not available to the base type is not written: %r" % rows


def test_e12_account_admin_locked_on(stack):
    t, r, s, x, _ = setup(stack)
    want = on(locked=True, readonly=True)
    check(t, "AccountAdmin", "manage_role_overrides", [r, s, x], [want] * 3)
    put(t, r, "AccountAdmin", "manage_role_overrides", explicit=1, enabled=0)
    check(t, "AccountAdmin", "manage_role_overrides", [r, s, x], [want] * 3)


def test_e13_group_key(stack):
    t, r, s, x, _ = setup(stack)
    put(t, r, "TeacherEnrollment", "manage_wiki", explicit=1, enabled=0)
    for member in ("manage_wiki_create", "manage_wiki_update", "manage_wiki_delete"):
        check(t, "TeacherEnrollment", member, [r, s, x],
              [dict(OFF, explicit=True, prior_default=True, group="manage_wiki"),
               dict(OFF, group="manage_wiki"), dict(OFF, group="manage_wiki")])
    body = t.admin.get("/api/v1/accounts/%d/roles/TeacherEnrollment" % r).json()
    assert "manage_wiki" not in body["permissions"], "group keys never appear in responses"
