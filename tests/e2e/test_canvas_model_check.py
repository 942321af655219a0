"""Seeded model check of Canvas override resolution: random account trees (depth up to 5), random
`permissions[...]` writes (form, multipart and JSON bodies, Canvas' boolean spellings, groups and their
members, locks, applies_to_*, readonly, dry runs) interleaved with new accounts, moves, condition switches and
role (de)activation; after each write the answer's permissions, and at the end (and at random points) every
role's JSON at every account and every user's permission checks (`/permissions`, named and unnamed, and
`explain`), are compared with canvas_model.py, a model written from canvas-roles.md alone (§2.8, §2.9, §3).
Deterministic: the seeds fix every choice (ids differ between runs, choices do not).
"""
import random

from canvas_model import (ACCOUNT_ADMIN, ACCOUNT_MEMBERSHIP, BY_NAME, COURSE_TYPES, DEFAULT_CONDITIONS_ON, GROUPS,
                          NO_PERMISSIONS, Account, BadRequest, Model, Role)

SEEDS = range(1, 11)

PERM_POOL = ["read_reports", "read_roster", "moderate_forum", "manage_grades", "read_question_banks",
             "manage_calendar", "become_user", "manage_role_overrides", "manage_account_settings",
             "view_notifications", "manage_catalog", "manage_developer_keys", "read_sis", "manage_outcomes",
             "view_statistics", "manage_courses_add", "manage_wiki_create", "manage_courses_publish",
             "temporary_enrollments_add", "create_access_tokens", "manage_sis", "generate_observer_pairing_code",
             "post_to_forum", "manage_alerts", "view_all_grades", "read_course_content"]
GROUP_POOL = ["manage_wiki", "manage_courses", "manage_temporary_enrollments", "users_manage_access_tokens",
              "manage_sections", "manage_account_calendar", "view_advanced_analytics", "manage_lti"]
JUNK = ["zzz_unknown", "site_admin", "manage_jobs"]
TRUE_FORM = ["1", "true", "TRUE", "yes", "on", "t", "Y", "2", "-1", "1abc", " 1", "+1", "10"]
FALSE_FORM = ["0", "false", "no", "off", "f", "n", "", "abc", "0x1", "0.5", "False", " 0", "-0"]
TRUE_JSON = [True, 1, "1", "true", 2]
FALSE_JSON = [False, 0, "0", "false", "", "x"]
CONDITIONS = ["temporary_enrollments", "admin_manage_access_tokens", "catalog_enabled",
              "admins_can_view_notifications", "differentiation_tags"]


class Check:
    def __init__(self, stack, seed):
        self.stack, self.rng, self.fails = stack, random.Random(seed), []

    def boolean(self, json, want=None):
        want = self.rng.random() < 0.5 if want is None else want
        return self.rng.choice((TRUE_JSON if want else FALSE_JSON) if json else (TRUE_FORM if want else FALSE_FORM))

    def settings(self, json):
        rng, s = self.rng, {}
        kind = rng.random()
        if kind < 0.55:
            s["explicit"] = self.boolean(json, rng.random() < 0.9)
            s["enabled"] = self.boolean(json)
        elif kind < 0.65:
            s["explicit"] = self.boolean(json, rng.random() < 0.5)
        elif kind < 0.75:
            s["enabled"] = self.boolean(json)
        for key, p in (("locked", 0.35), ("applies_to_self", 0.3), ("applies_to_descendants", 0.3), ("readonly", 0.05)):
            if rng.random() < p:
                s[key] = self.boolean(json, rng.random() < (0.6 if key == "locked" else 0.5))
        if not s:
            s["locked"] = self.boolean(json, True)
        keys = list(s)
        rng.shuffle(keys)
        return {k: s[k] for k in keys}

    def run(self):
        rng = self.rng
        t = self.t = self.stack.new_tenant()
        root = Account(t.root_account_id)
        self.accounts = [root]
        for i in range(rng.randint(1, 6)):
            self.new_account()
        self.m = Model(set(DEFAULT_CONDITIONS_ON))
        for _ in range(rng.randint(0, 2)):
            self.toggle_condition()
        self.roles = []
        for name in ["AccountAdmin", "AccountMembership", rng.choice(COURSE_TYPES)]:
            r = t.admin.get("/api/v1/accounts/self/roles/%s" % name)
            assert r.status == 200, r
            self.roles.append(Role(r.json()["id"], name, name))
        customs = [("A1", ACCOUNT_MEMBERSHIP, root), ("A2", ACCOUNT_MEMBERSHIP, rng.choice(self.accounts)),
                   ("C1", rng.choice(COURSE_TYPES), rng.choice(self.accounts))]
        if rng.random() < 0.3:
            customs.append(("AA", ACCOUNT_ADMIN, rng.choice(self.accounts)))
        if rng.random() < 0.15:
            customs.append(("NP", NO_PERMISSIONS, rng.choice(self.accounts)))
        for label, base, acct in customs:
            r = t.admin.post("/api/v1/accounts/%d/roles" % acct.id, form={"label": label, "base_role_type": base})
            assert r.status == 200, r
            self.roles.append(Role(r.json()["id"], label, base, acct, "active"))
        self.users = []
        for i in range(rng.randint(2, 3)):
            self.users.append((t.new_user("U%d" % i), []))
            for _ in range(rng.randint(1, 2)):
                self.add_membership(self.users[-1])
        self.perms = rng.sample(PERM_POOL, 4) + rng.sample(GROUP_POOL, 2)
        self.perms += [rng.choice(GROUPS[g]) for g in self.perms[4:]]
        for _ in range(rng.randint(6, 18)):
            x = rng.random()
            if x < 0.6:
                self.write()
            elif x < 0.67:
                self.new_account()
            elif x < 0.74:
                self.move_account()
            elif x < 0.82:
                self.toggle_condition()
            elif x < 0.88:
                self.toggle_role()
            else:
                self.check_at(rng.choice(self.accounts), explain=False)
        for a in self.accounts:
            self.check_at(a, explain=True)
        return self.fails

    # ---- changes ----
    def new_account(self):
        parent = self.rng.choice([a for a in self.accounts if len(a.chain()) < 5])
        r = self.t.admin.post("/api/v1/accounts/%d/sub_accounts" % parent.id, form={"account[name]": "A"})
        assert r.status == 200, r
        self.accounts.append(Account(r.json()["id"], parent))

    def move_account(self):
        if len(self.accounts) < 2:
            return
        a = self.rng.choice(self.accounts[1:])
        below = [b for b in self.accounts if a in b.chain()]
        height = max(len(b.chain()) for b in below) - len(a.chain())
        targets = [p for p in self.accounts if p not in below and len(p.chain()) + 1 + height <= 5]
        if targets:
            p = self.rng.choice(targets)
            r = self.t.admin.put("/api/v1/accounts/%d" % a.id, form={"account[parent_account_id]": p.id})
            assert r.status == 200, r
            a.parent = p

    def toggle_condition(self):
        which = self.rng.choice(CONDITIONS)
        on = which not in self.m.conds
        if which in ("temporary_enrollments", "admin_manage_access_tokens"):
            r = self.t.admin.put("/api/v1/accounts/self/features/flags/%s" % which, form={"state": "on" if on else "off"})
        else:
            setting = "allow_assign_to_differentiation_tags" if which == "differentiation_tags" else which
            r = self.t.admin.put("/api/v1/accounts/self", form={"account[settings][%s]" % setting: str(on).lower()})
        if r.status == 403:   # the writes took manage_feature_flags from the admin: the model keeps the old state
            return
        assert r.status == 200, r
        (self.m.conds.add if on else self.m.conds.discard)(which)

    def toggle_role(self):
        role = self.rng.choice([r for r in self.roles if r.account is not None])
        if role.state == "active":
            r = self.t.admin.delete("/api/v1/accounts/%d/roles/%d" % (role.account.id, role.id))
            role.state = "inactive"
        else:
            r = self.t.admin.post("/api/v1/accounts/%d/roles/%d/activate" % (role.account.id, role.id))
            role.state = "active"
        assert r.status == 200 and r.json()["workflow_state"] == role.state, r

    def add_membership(self, user):
        u, ms = user
        a = self.rng.choice(self.accounts)
        role = self.rng.choice([r for r in self.roles if r.is_account_role and r.name != "AccountMembership"
                                and r.visible_at(a) and r.state != "inactive"])
        r = self.t.admin.post("/api/v1/accounts/%d/admins" % a.id, form={"user_id": u.id, "role_id": role.id})
        assert r.status == 200, r
        if (role, a) not in ms:
            ms.append((role, a))

    def write(self):
        rng = self.rng
        a = rng.choice(self.accounts)
        held = [r for r in self.roles if r.visible_at(a) and any(ro is r for _, ms in self.users for ro, _ in ms)]
        role = rng.choice(held if held and rng.random() < 0.6 else [r for r in self.roles if r.visible_at(a)])
        keys = rng.sample(self.perms, rng.randint(1, 3)) + ([rng.choice(JUNK)] if rng.random() < 0.05 else [])
        fmt = rng.choice(["form", "json", "form", "json", "multipart"])
        entries = [(k, self.settings(fmt == "json")) for k in keys]
        dry = rng.random() < 0.12
        path = "/api/v1/accounts/%d/roles/%s%s" % (a.id, role.name if rng.random() < 0.2 else role.id,
                                                   "?dry_run=true" if dry else "")
        if fmt == "json":
            r = self.t.admin.put(path, json_body={"permissions": dict(entries)})
        else:
            pairs = [("permissions[%s][%s]" % (k, sk), sv) for k, s in entries for sk, sv in s.items()]
            r = self.t.admin.put(path, **{fmt: pairs})
        what = "PUT %s %s %s" % (path, fmt, entries)
        before = {k: dict(v) for k, v in self.m.rows.items()}
        try:
            self.m.apply(a, role, entries)
        except BadRequest as e:
            if r.status != 400 or str(e) not in r.text:
                self.fails.append("%s: %s, want 400 %s" % (what, r, e))
            return
        if r.status != 200:
            self.fails.append("%s: %s, want 200" % (what, r))
            self.m.rows = before
            return
        self.compare_role(a, role, r.json()["permissions"], what)
        if dry:
            self.m.rows = before

    # ---- comparisons ----
    def compare_role(self, a, role, got, what):
        want = self.m.role_permissions_json(role, a)
        if got == want:
            return
        if set(got) != set(want):
            self.fails.append("%s: %s at %d: keys not expected %s, missing %s" % (
                what, role.name, a.id, sorted(set(got) - set(want)), sorted(set(want) - set(got))))
        for k in sorted(set(got) & set(want)):
            if got[k] != want[k]:
                self.fails.append("%s: %s at %d: %s is %s, want %s" % (what, role.name, a.id, k, got[k], want[k]))

    def check_at(self, a, explain):
        for role in self.roles:
            r = self.t.admin.get("/api/v1/accounts/%d/roles/%d" % (a.id, role.id))
            if not role.visible_at(a):
                if r.status != 404:
                    self.fails.append("GET %s at %d: %s, want 404" % (role.name, a.id, r))
            elif r.status != 200:
                self.fails.append("GET %s at %d: %s" % (role.name, a.id, r))
            else:
                self.compare_role(a, role, r.json()["permissions"], "GET")
        for u, ms in self.users:
            who = "user %s at %d" % ([(ro.name, ro.state, ac.id) for ro, ac in ms], a.id)
            got = u.client.get("/api/v1/accounts/%d/permissions" % a.id).json()
            want = {p.name: self.m.user_has(ms, a, p.name) for p in self.m.manageable(a)}
            if got != want:
                self.fails.append("%s: permissions differ: %s" % (
                    who, {k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)}))
            names = [p for p in self.perms if p in BY_NAME]
            got = u.client.get("/api/v1/accounts/%d/permissions" % a.id, params=[("permissions[]", p) for p in names]).json()
            for p in names:
                w = self.m.allows(BY_NAME[p]) and self.m.user_has(ms, a, p)
                if got.get(p) != w:
                    self.fails.append("%s: named %s is %s, want %s" % (who, p, got.get(p), w))
            if explain:
                p = self.rng.choice(names)
                r = self.t.admin.get("/api/v1/accounts/%d/permissions/%s/explain" % (a.id, p), params={"user_id": u.id})
                w = self.m.allows(BY_NAME[p]) and self.m.user_has(ms, a, p)
                if r.status != 200 or r.json()["granted"] != w:
                    self.fails.append("%s: explain %s: %s, want granted %s" % (who, p, r, w))


def test_model_check(stack):
    fails = []
    for seed in SEEDS:
        fails += ["seed %d: %s" % (seed, f) for f in Check(stack, seed).run()]
    assert not fails, "\n".join(fails[:30])
