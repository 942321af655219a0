"""The superset rule below the held account (issue 13, 1): handing out a role is refused when the role grants,
on the held account or on any account below it where its overrides grant more, a permission the caller does
not hold there. Canvas checks the held account only."""
from accounts_helpers import assert_forbidden, enable_token_admin, make_role, member, override, sub_account


def scenario(stack):
    t = stack.new_tenant()
    sub = sub_account(t, name="Science")
    # the caller: manage_account_memberships on the root, nothing else
    narrow = make_role(t, "Membership Manager")
    override(t, t.root_account_id, narrow, "manage_account_memberships")
    caller = t.new_user("Narrow")
    member(t, t.root_account_id, caller.id, narrow)
    # a role that grants nothing on the root but settings and overrides on the sub-account
    sneaky = make_role(t, "Sneaky")
    override(t, sub, sneaky, "manage_account_settings")
    override(t, sub, sneaky, "manage_role_overrides")
    return t, sub, caller, sneaky, narrow


def test_admin_with_a_role_granting_more_below_is_refused(stack):
    t, sub, caller, sneaky, narrow = scenario(stack)
    victim = t.new_user("Other")
    for uid in (victim.id, caller.id):  # another user, or themselves
        r = caller.client.post("/api/v1/accounts/self/admins", form={"user_id": uid, "role_id": sneaky})
        assert_forbidden(r, "manage_account_settings", sub)
    assert t.sql("SELECT count(*) FROM account_users WHERE tenant_id = %d AND role_id = %d" % (t.id, sneaky))[-1][0] \
        == "0"
    # and the escalation it stopped: the caller cannot rename the sub-account
    r = caller.client.put("/api/v1/accounts/%d" % sub, form={"account[name]": "Mine"})
    assert r.status == 403, r


def test_caller_who_holds_it_below_may_hand_it_out(stack):
    t, sub, caller, sneaky, narrow = scenario(stack)
    victim = t.new_user("Other")
    r = t.admin.post("/api/v1/accounts/self/admins", form={"user_id": victim.id, "role_id": sneaky})
    assert r.status == 200, r
    # the same role held on the sub-account only, by someone holding both permissions there
    helper = make_role(t, "Sub Settings")
    for p in ("manage_account_memberships", "manage_account_settings", "manage_role_overrides"):
        override(t, sub, helper, p)
    boss = t.new_user("Boss")
    member(t, sub, boss.id, helper)
    third = t.new_user("Third")
    r = boss.client.post("/api/v1/accounts/%d/admins" % sub, form={"user_id": third.id, "role_id": sneaky})
    assert r.status == 200, r


def test_token_for_a_user_whose_role_grants_more_below_is_refused(stack):
    t, sub, caller, sneaky, narrow = scenario(stack)
    enable_token_admin(t)
    override(t, t.root_account_id, narrow, "create_access_tokens")
    holder = t.new_user("Holder")
    member(t, t.root_account_id, holder.id, sneaky)
    r = caller.client.post("/api/v1/users/%d/tokens" % holder.id, form={"token[purpose]": "x"})
    assert_forbidden(r, "manage_account_settings", sub)


def test_role_whose_override_on_the_held_account_applies_to_descendants_only_is_refused(stack):
    # An override on the held account itself with applies_to_self=false grants nothing there but everything
    # below: the sub-accounts must be checked although they carry no override rows of their own.
    t, sub, caller, sneaky, narrow = scenario(stack)
    leaf = sub_account(t, parent_id=sub, name="Leaf")
    downward = make_role(t, "Downward")
    override(t, t.root_account_id, downward, "manage_account_settings", self_=False, desc=True)
    victim = t.new_user("Other")
    r = caller.client.post("/api/v1/accounts/self/admins", form={"user_id": victim.id, "role_id": downward})
    assert_forbidden(r, "manage_account_settings", sub)
    # the same one level down, held on the sub-account: its child Leaf is where the role grants more
    t.sql("DELETE FROM role_overrides WHERE tenant_id = %d AND role_id = %d" % (t.id, downward))
    override(t, sub, downward, "manage_account_settings", self_=False, desc=True)
    r = caller.client.post("/api/v1/accounts/%d/admins" % sub, form={"user_id": victim.id, "role_id": downward})
    assert_forbidden(r, "manage_account_settings", leaf)
    assert t.sql("SELECT count(*) FROM account_users WHERE tenant_id = %d AND role_id = %d"
                 % (t.id, downward))[-1][0] == "0"
    r = victim.client.put("/api/v1/accounts/%d" % sub, form={"account[name]": "Mine"})
    assert r.status == 403, r
    # and a caller holding only a self-only override lacks it below as well
    t.sql("UPDATE role_overrides SET applies_to_descendants = false WHERE tenant_id = %d AND role_id = %d"
          " AND permission = 'manage_account_memberships'" % (t.id, narrow))
    plain = make_role(t, "Plain memberships")
    override(t, t.root_account_id, plain, "manage_account_memberships")
    r = caller.client.post("/api/v1/accounts/self/admins", form={"user_id": victim.id, "role_id": plain})
    assert_forbidden(r, "manage_account_memberships", sub)
    # someone who holds it everywhere may hand the role out
    r = t.admin.post("/api/v1/accounts/self/admins", form={"user_id": victim.id, "role_id": downward})
    assert r.status == 200, r


# A move (PUT account[parent_account_id]) hands the moved subtree to the memberships of the new parent's chain
# and puts it under that chain's overrides instead of the old one's: it may not give anyone, the caller
# included, a permission on the subtree that the caller did not hold there before.

def parent_of(t, acct):
    return int(t.sql("SELECT parent_account_id FROM accounts WHERE tenant_id = %d AND id = %d" % (t.id, acct))[-1][0])


def holds(client, acct, permission):
    r = client.get("/api/v1/accounts/%d/permissions" % acct, params={"permissions[]": permission})
    assert r.status == 200, r
    return r.json()[permission]


def test_move_under_an_account_where_the_caller_holds_more_is_refused(stack):
    t = stack.new_tenant()
    science = sub_account(t, name="Science")
    tech = sub_account(t, name="Tech")
    leaf = sub_account(t, parent_id=science, name="Leaf")
    boss = make_role(t, "Tech Boss")
    for p in ("manage_account_settings", "manage_role_overrides"):
        override(t, t.root_account_id, boss, p)
    settings = make_role(t, "Settings only")
    override(t, t.root_account_id, settings, "manage_account_settings")
    caller = t.new_user("Caller")
    member(t, tech, caller.id, boss)            # strong on Tech
    member(t, science, caller.id, settings)     # settings only on Science
    assert not holds(caller.client, leaf, "manage_role_overrides")
    r = caller.client.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": tech})
    assert_forbidden(r, "manage_role_overrides", science)
    assert parent_of(t, science) == t.root_account_id
    assert not holds(caller.client, leaf, "manage_role_overrides")
    # nor may it hand Science to Tech's other admins
    other = t.new_user("Other")
    t.sql("DELETE FROM account_users WHERE tenant_id = %d AND user_id = %d AND role_id = %d" % (t.id, caller.id, boss))
    member(t, tech, caller.id, settings)
    member(t, tech, other.id, boss)
    r = caller.client.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": tech})
    assert_forbidden(r, "manage_role_overrides", science)
    assert parent_of(t, science) == t.root_account_id
    # the tenant's admin holds everything there: the same move is theirs to make
    r = t.admin.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": tech})
    assert r.status == 200 and r.json()["parent_account_id"] == tech, r


def test_move_out_from_under_a_lock_is_refused(stack):
    t = stack.new_tenant()
    dept = sub_account(t, name="Dept")
    science = sub_account(t, parent_id=dept, name="Science")
    staff = make_role(t, "Staff")
    override(t, t.root_account_id, staff, "manage_account_settings")
    override(t, t.root_account_id, staff, "manage_role_overrides")
    # Dept locks manage_role_overrides off for Staff in its subtree
    override(t, dept, staff, "manage_role_overrides", enabled=False, locked=True)
    caller = t.new_user("Caller")
    member(t, science, caller.id, staff)
    mover = make_role(t, "Mover")
    override(t, t.root_account_id, mover, "manage_account_settings", self_=True, desc=False)
    member(t, t.root_account_id, caller.id, mover)  # settings on the root itself, as the new parent
    assert not holds(caller.client, science, "manage_role_overrides")
    r = caller.client.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": t.root_account_id})
    assert_forbidden(r, "manage_role_overrides", science)
    assert parent_of(t, science) == dept
    assert not holds(caller.client, science, "manage_role_overrides")


def test_move_that_gives_nobody_more_is_allowed(stack):
    t = stack.new_tenant()
    a = sub_account(t, name="A")
    b = sub_account(t, name="B")
    science = sub_account(t, parent_id=a, name="Science")
    settings = make_role(t, "Settings only")
    override(t, t.root_account_id, settings, "manage_account_settings")
    caller = t.new_user("Caller")
    member(t, t.root_account_id, caller.id, settings)
    holder = t.new_user("Holder")
    member(t, science, holder.id, settings)
    r = caller.client.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": b})
    assert r.status == 200 and r.json()["parent_account_id"] == b, r


def test_move_under_admins_whose_role_grants_more_deep_in_the_subtree_is_refused(stack):
    # The new parent's admin gains nothing on the moved account itself, only on a deep account of the
    # subtree where an override of their role grants more: that account must be looked at too.
    t = stack.new_tenant()
    science = sub_account(t, name="Science")
    lab = sub_account(t, parent_id=science, name="Lab")
    deep = sub_account(t, parent_id=lab, name="Deep")
    tech = sub_account(t, name="Tech")
    reporter = make_role(t, "Deep reporter")
    override(t, deep, reporter, "read_reports")
    other = t.new_user("Other")
    member(t, tech, other.id, reporter)
    settings = make_role(t, "Settings only")
    override(t, t.root_account_id, settings, "manage_account_settings")
    caller = t.new_user("Caller")
    member(t, t.root_account_id, caller.id, settings)
    r = caller.client.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": tech})
    assert_forbidden(r, "read_reports", deep)
    assert parent_of(t, science) == t.root_account_id
    # without that override nobody gains anything: the same caller may move it
    t.sql("DELETE FROM role_overrides WHERE tenant_id = %d AND role_id = %d" % (t.id, reporter))
    r = caller.client.put("/api/v1/accounts/%d" % science, form={"account[parent_account_id]": tech})
    assert r.status == 200 and r.json()["parent_account_id"] == tech, r
