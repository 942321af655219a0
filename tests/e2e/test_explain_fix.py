"""explain leads to the fix (issue 16): a permission hidden by a condition names the condition and the
request that switches it; every proposal of would_grant is a list of requests the API accepts, and after
following one the permission is granted. Each scenario is built afresh for each of its proposals."""
import pytest

from accounts_helpers import make_role, override, sub_account


def follow(t, proposal):
    """Sends each request of a proposal as the tenant admin; every one must succeed."""
    for req in proposal["requests"]:
        r = t.admin.request(req["method"], req["path"], form=list(req["params"].items()))
        assert r.status == 200, (req, r)
        body = r.json()
        assert not [w for w in body.get("warnings", []) if w.get("ignored")], (req, body.get("warnings"))


def explain(t, user, account, permission):
    r = t.admin.get("/api/v1/accounts/%s/permissions/%s/explain" % (account, permission), params={"user_id": user.id})
    assert r.status == 200, r
    return r.json()


def holds(user, account, permission):
    r = user.client.get("/api/v1/accounts/%s/permissions" % account, params={"permissions[]": permission})
    assert r.status == 200, r
    return r.json()[permission]


def admin_of(t, user, account, role_id):
    r = t.admin.post("/api/v1/accounts/%d/admins" % account, form={"user_id": user.id, "role_id": role_id})
    assert r.status == 200, r


def custom_role_at_root(stack):
    """An integration user holding a custom role at the root that lacks read_roster."""
    t = stack.new_tenant()
    u = t.new_user("Sync")
    admin_of(t, u, t.root_account_id, make_role(t, "Sync"))
    return t, u, t.root_account_id, "read_roster"


def role_defined_on_a_sub_account(stack):
    """The issue's case: the role lives on a sub-account, so an override at the root would be a 404."""
    t = stack.new_tenant()
    s = sub_account(t, name="Science")
    u = t.new_user("Sync")
    admin_of(t, u, s, make_role(t, "Dept Sync", s))
    return t, u, s, "read_roster"


def locked_off_above(stack):
    """A lock set on the membership's account: only there can the change take effect."""
    t = stack.new_tenant()
    s = sub_account(t, name="S")
    x = sub_account(t, s, name="X")
    role = make_role(t, "Clerk")
    override(t, s, role, "read_reports", enabled=False, locked=True)
    u = t.new_user("Clerk")
    admin_of(t, u, s, role)
    return t, u, x, "read_reports"


def hidden_by_a_setting(stack):
    """view_notifications is hidden until the account setting admins_can_view_notifications is on."""
    t = stack.new_tenant()
    u = t.new_user("Notifier")
    admin_of(t, u, t.root_account_id, make_role(t, "Notifier"))
    return t, u, t.root_account_id, "view_notifications"


def hidden_by_a_feature(stack):
    """temporary_enrollments_add: the AccountAdmin holds it once the feature flag is on."""
    t = stack.new_tenant()
    u = t.new_user("Admin2")
    admin_of(t, u, t.root_account_id, builtin_admin(t))
    return t, u, t.root_account_id, "temporary_enrollments_add"


def root_only_from_a_sub_account(stack):
    """become_user is root-only: a sub-account membership never confers it, whatever its overrides."""
    t = stack.new_tenant()
    s = sub_account(t)
    u = t.new_user("Sub admin")
    admin_of(t, u, s, make_role(t, "Sub Admin"))
    return t, u, s, "become_user"


def self_only_on_the_membership_account(stack):
    """A self-only grant on the membership's account ends the walk there (§3.1 step 5: value on and the role
    context reached), so an override below it is never consulted: only a change at the root helps."""
    t = stack.new_tenant()
    s = sub_account(t, name="S")
    role = make_role(t, "Clerk")
    override(t, t.root_account_id, role, "read_reports", enabled=True, desc=False)
    u = t.new_user("Clerk")
    admin_of(t, u, t.root_account_id, role)
    return t, u, s, "read_reports"


def self_only_between(stack):
    """The same below the membership: a self-only grant on S decides for X below it."""
    t = stack.new_tenant()
    s = sub_account(t, name="S")
    x = sub_account(t, s, name="X")
    role = make_role(t, "Clerk")
    override(t, s, role, "read_reports", enabled=True, desc=False)
    u = t.new_user("Clerk")
    admin_of(t, u, t.root_account_id, role)
    return t, u, x, "read_reports"


def builtin_admin(t):
    return t.admin.get("/api/v1/accounts/self/roles/AccountAdmin").json()["id"]


SCENARIOS = [custom_role_at_root, role_defined_on_a_sub_account, locked_off_above, hidden_by_a_setting,
             hidden_by_a_feature, root_only_from_a_sub_account, self_only_on_the_membership_account,
             self_only_between]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_every_proposal_grants(stack, scenario):
    t, u, account, perm = scenario(stack)
    e = explain(t, u, account, perm)
    assert e["granted"] is False and not holds(u, account, perm), e
    proposals = e["would_grant"]["proposals"]
    assert proposals, e
    for i in range(len(proposals)):
        if i > 0:
            t, u, account, perm = scenario(stack)
            proposals = explain(t, u, account, perm)["would_grant"]["proposals"]
        follow(t, proposals[i])
        assert holds(u, account, perm), (scenario.__name__, proposals[i])
        assert explain(t, u, account, perm)["granted"] is True


def test_role_on_a_sub_account_is_changed_where_it_is_visible(stack):
    t, u, s, perm = role_defined_on_a_sub_account(stack)
    e = explain(t, u, s, perm)
    [o] = [p for p in e["would_grant"]["proposals"] if p["kind"] == "override"]
    assert o["account_id"] == s and o["requests"][-1]["path"] == "/api/v1/accounts/%d/roles/%d" % (s, o["role_id"]), o


def test_locked_above_is_changed_at_the_lock(stack):
    t, u, x, perm = locked_off_above(stack)
    e = explain(t, u, x, perm)
    [o] = [p for p in e["would_grant"]["proposals"] if p["kind"] == "override"]
    assert o["account_id"] != x, "an override below the lock would have no effect"


def test_override_proposed_where_the_walk_reaches_it(stack):
    t, u, s, perm = self_only_on_the_membership_account(stack)
    [o] = [p for p in explain(t, u, s, perm)["would_grant"]["proposals"] if p["kind"] == "override"]
    assert o["account_id"] == t.root_account_id, o
    t, u, x, perm = self_only_between(stack)
    [o] = [p for p in explain(t, u, x, perm)["would_grant"]["proposals"] if p["kind"] == "override"]
    assert o["account_id"] != x, o


def test_hidden_permission_names_its_condition(stack):
    t, u, account, perm = hidden_by_a_setting(stack)
    e = explain(t, u, account, perm)
    assert e["conditions"] == [{"condition": "admins_can_view_notifications", "kind": "setting", "on": False,
                                "request": {"method": "PUT", "path": "/api/v1/accounts/%d" % t.root_account_id,
                                            "params": {"account[settings][admins_can_view_notifications]": "true"}}}]
    for p in e["would_grant"]["proposals"]:
        assert p["requests"][0] == e["conditions"][0]["request"], p
    t, u, account, perm = hidden_by_a_feature(stack)
    e = explain(t, u, account, perm)
    assert [c["condition"] for c in e["conditions"]] == ["temporary_enrollments"]
    assert e["would_grant"]["proposals"][0]["kind"] == "condition", e["would_grant"]


def test_root_only_proposes_no_override_below_the_root(stack):
    t, u, s, perm = root_only_from_a_sub_account(stack)
    e = explain(t, u, s, perm)
    kinds = {(p["kind"], p["account_id"]) for p in e["would_grant"]["proposals"]}
    assert kinds and all(k == "admin" and a == t.root_account_id for k, a in kinds), kinds


def test_read_from_a_403_to_explain_and_the_fix(stack):
    """GET account names the pseudo-permission `read` in its 403 (Canvas' :read right); explain answers it
    like any permission, and each of its proposals lets the user read the account."""
    t = stack.new_tenant()
    s = sub_account(t, name="S")
    u = t.new_user("Dept")
    admin_of(t, u, s, make_role(t, "Dept"))
    r = u.client.get("/api/v1/accounts/%d" % t.root_account_id)
    assert r.status == 403 and r.json()["errors"][0]["permission"] == "read", r
    mine = u.client.get("/api/v1/accounts/%d/permissions/read/explain" % t.root_account_id)
    assert mine.status == 200 and mine.json()["granted"] is False, mine
    e = explain(t, u, t.root_account_id, "read")
    assert e["permission"] == "read" and e["granted"] is False and e["memberships"] == [], e
    proposals = e["would_grant"]["proposals"]
    assert proposals and proposals[0]["role"] == "AccountAdmin", e
    for p in proposals:
        follow(t, p)
        assert u.client.get("/api/v1/accounts/%d" % t.root_account_id).status == 200, p
        t.admin.delete("/api/v1/accounts/%d/admins/%d" % (t.root_account_id, u.id), params={"role_id": p["role_id"]})
    e = explain(t, u, s, "read")
    assert e["granted"] is True and [(m["account_id"], m["reason"]) for m in e["memberships"]] == [(s, "membership")], e
    assert e["would_grant"]["proposals"] == [], e
