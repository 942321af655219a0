"""api2 Collections, Groups, Users and Memberships (issue 15, api2-collections.md) through nginx: visibility,
inheritance, every endpoint's access rule and errors, other tenants' ids, no self-escalation, explain."""
import re

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ALL = ["admin-panel-access", "collection-create", "collection-delete", "collection-move", "collection-read",
       "collection-share", "collection-update", "comment-create", "comment-delete", "comment-read",
       "comment-update", "media-create", "media-delete", "media-download", "media-like", "media-play",
       "media-publish", "media-read", "media-update"]
VIEWER = ["collection-read", "comment-read", "media-play", "media-read"]
COLLECTION_KEYS = {"id", "parent_id", "slug", "display_name", "description", "description_plain",
                   "inherit_memberships", "is_podcast", "created_on", "modified_on", "links"}


def ok(r, status=200):
    assert r.status == status, r
    return r.json() if status != 204 else None


def invalid(r, *fields):
    assert r.status == 422, r
    body = r.json()
    assert body["message"] == "Invalid values", r
    assert [e["field"] for e in body["errors"]] == list(fields), r
    return body["errors"]


def my_site(t):
    items = ok(t.admin.get("/api2/collections", params={"display_name": "My Site"}))["items"]
    assert len(items) == 1, items
    return items[0]


def role_id(t, name):
    return ok(t.admin.get("/api2/roles", params={"display_name": name}))["items"][0]["id"]


def group_id(t, name):
    return [g for g in ok(t.admin.get("/api2/groups", params={"per_page": 500}))["items"]
            if g["display_name"] == name][0]["id"]


def mkcoll(t, name, parent, **kw):
    body = {"display_name": name, "parent_id": parent}
    body.update(kw)
    r = t.admin.post("/api2/collections", json_body=body)
    c = ok(r)
    assert r.header("Location") == "/api2/collections/" + c["id"], r
    return c


def share(t, coll, role, user=None, group=None):
    body = {"collection_id": coll, "role_id": role}
    if user is not None:
        body["user_id"] = str(user)
    if group is not None:
        body["group_id"] = group
    return ok(t.admin.post("/api2/memberships", json_body=body))


def test_my_site_and_builtin_groups(stack):
    t = stack.new_tenant()
    site = my_site(t)
    assert set(site) == COLLECTION_KEYS, site
    assert site["parent_id"] is None and site["inherit_memberships"] is False, site
    assert site["links"] == {"self": "/api2/collections/" + site["id"], "parent": None,
                             "memberships": "/api2/memberships?collection_id=" + site["id"]}, site
    assert ISO.match(site["created_on"]) and ISO.match(site["modified_on"])
    groups = ok(t.admin.get("/api2/groups"))["items"]
    assert [(g["display_name"], g["builtin"]) for g in groups] == [("Public", "public"),
                                                                 ("Registered Users", "registered")], groups
    assert groups[0]["links"] == {"self": "/api2/groups/" + groups[0]["id"],
                                  "users": "/api2/groups/%s/users" % groups[0]["id"]}
    # secure by default: a plain user and an anonymous caller see nothing
    u = t.new_user("Plain")
    assert ok(u.client.get("/api2/collections"))["items"] == []
    assert ok(t.anon.get("/api2/collections"))["items"] == []
    assert u.client.get("/api2/collections/" + site["id"]).status == 404
    # the demo tenant (made before the migration in `make run` stacks, or by tenant create) has them too
    assert ok(stack.demo.admin.get("/api2/collections", params={"parent_id": ""}))["items"]


def test_create_get_update_delete(stack):
    t = stack.new_tenant()
    site = my_site(t)
    c = mkcoll(t, "Biology 101", site["id"], description="<p>Lectures &amp; labs</p>")
    assert set(c) == COLLECTION_KEYS, c
    assert c["slug"] == "biology-101" and c["parent_id"] == site["id"] and c["inherit_memberships"] is True, c
    assert c["description_plain"] == "Lectures & labs" and c["is_podcast"] is False, c
    assert c["links"]["parent"] == "/api2/collections/" + site["id"], c
    # blank fields are null: an empty description is none, on create and on update
    e = mkcoll(t, "Empty description", site["id"], description="")
    assert e["description"] is None and e["description_plain"] is None, e
    e = ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"description": ""}))
    assert e["description"] is None and e["description_plain"] is None, e
    c = ok(t.admin.request("PATCH", "/api2/collections/" + c["id"],
                           json_body={"description": "<p>Lectures &amp; labs</p>"}))
    # a clash on a generated slug appends -2, a clash on a given slug is a 422
    assert mkcoll(t, "Biology  101!", site["id"])["slug"] == "biology-101-2"
    invalid(t.admin.post("/api2/collections", json_body={"display_name": "B", "parent_id": site["id"],
                                                          "slug": "biology-101"}), "slug")
    assert ok(t.admin.get("/api2/collections/" + c["id"])) == c
    # PATCH and POST change the given fields; PUT replaces every writable field
    p = ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"is_podcast": True}))
    assert p["is_podcast"] is True and p["description"] == c["description"], p
    p = ok(t.admin.post("/api2/collections/" + c["id"], form={"inherit_memberships": "0"}))
    assert p["inherit_memberships"] is False and p["is_podcast"] is True, p
    p = ok(t.admin.put("/api2/collections/" + c["id"], json_body={"display_name": "Bio"}))
    assert (p["display_name"], p["description"], p["is_podcast"], p["inherit_memberships"], p["slug"]) == \
        ("Bio", None, False, True, "biology-101"), p
    invalid(t.admin.put("/api2/collections/" + c["id"], json_body={}), "display_name")
    # every invalid field at once, nothing written
    errs = invalid(t.admin.post("/api2/collections", json_body={
        "display_name": "x" * 256, "parent_id": "99999999", "slug": "Bad Slug", "is_podcast": "maybe"}),
        "parent_id", "display_name", "slug", "is_podcast")
    assert errs[0]["message"] == "collection not found", errs
    invalid(t.admin.post("/api2/collections", json_body={"display_name": "  ", "parent_id": site["id"]}),
            "display_name")
    invalid(t.admin.post("/api2/collections", json_body={"display_name": 7}), "parent_id", "display_name")
    assert t.admin.post("/api2/collections", body="{bad json", content_type="application/json").status == 400
    # delete: 422 while it has sub-collections; 204 also for an unknown id; My Site stays
    child = mkcoll(t, "Lab", c["id"])
    invalid(t.admin.delete("/api2/collections/" + c["id"]), "id")
    ok(t.admin.delete("/api2/collections/" + child["id"]), 204)
    ok(t.admin.delete("/api2/collections/" + child["id"]), 204)
    ok(t.admin.delete("/api2/collections/" + c["id"]), 204)
    assert t.admin.get("/api2/collections/" + c["id"]).status == 404
    invalid(t.admin.delete("/api2/collections/" + site["id"]), "id")
    invalid(t.admin.request("PATCH", "/api2/collections/" + site["id"], json_body={"parent_id": child["id"]}),
            "parent_id")
    # My Site keeps inherit_memberships false: a PUT without it, and true is refused
    p = ok(t.admin.put("/api2/collections/" + site["id"], json_body={"display_name": "My Site"}))
    assert p["inherit_memberships"] is False and p["parent_id"] is None, p
    invalid(t.admin.request("PATCH", "/api2/collections/" + site["id"], json_body={"inherit_memberships": True}),
            "inherit_memberships")
    assert ok(t.admin.get("/api2/collections/" + site["id"]))["inherit_memberships"] is False
    # a slug too long is named as such
    errs = invalid(t.admin.request("PATCH", "/api2/collections/" + site["id"], json_body={"slug": "a" * 256}),
                   "slug")
    assert errs[0]["message"] == "is too long (maximum is 255 characters)", errs
    assert t.admin.get("/api2/collections/abc").status == 404


def test_moves(stack):
    t = stack.new_tenant()
    site = my_site(t)
    a = mkcoll(t, "A", site["id"])
    b = mkcoll(t, "B", a["id"])
    c = mkcoll(t, "C", b["id"])
    for target in (a, b, c):
        errs = invalid(t.admin.request("PATCH", "/api2/collections/" + a["id"], json_body={"parent_id": target["id"]}),
                       "parent_id")
        assert "descendant" in errs[0]["message"], errs
    invalid(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"parent_id": "123456789"}), "parent_id")
    moved = ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"parent_id": a["id"]}))
    assert moved["parent_id"] == a["id"], moved
    # a user with collection-update but not collection-move on C gets a 403 naming it
    u = t.new_user("Editor")
    editor = ok(t.admin.post("/api2/roles", json_body={"display_name": "Editor", "permissions": [
        "collection-read", "collection-update", "collection-create"]}))
    share(t, a["id"], editor["id"], user=u.id)
    r = u.client.request("PATCH", "/api2/collections/" + c["id"], json_body={"parent_id": b["id"]})
    assert r.status == 403 and r.json()["permission"] == "collection-move" and r.json()["collection_id"] == c["id"], r
    assert ok(u.client.request("PATCH", "/api2/collections/" + c["id"], json_body={"display_name": "C2"}))[
        "display_name"] == "C2"


def test_visibility_inheritance_and_filters(stack):
    t = stack.new_tenant()
    site = my_site(t)
    a = mkcoll(t, "Sciences", site["id"])
    b = mkcoll(t, "Biology", a["id"], is_podcast=True)
    c = mkcoll(t, "Private", b["id"], inherit_memberships=False)
    d = mkcoll(t, "Private Lab", c["id"])
    u = t.new_user("Student")
    share(t, a["id"], role_id(t, "Viewer"), user=u.id)
    ids = [x["id"] for x in ok(u.client.get("/api2/collections"))["items"]]
    assert ids == [a["id"], b["id"]], ids
    assert u.client.get("/api2/collections/" + c["id"]).status == 404
    assert u.client.get("/api2/collections/" + d["id"]).status == 404
    # switching inheritance on C brings C and D in; off again takes them out
    ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"inherit_memberships": True}))
    assert [x["id"] for x in ok(u.client.get("/api2/collections"))["items"]] == [a["id"], b["id"], c["id"], d["id"]]
    ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"inherit_memberships": False}))
    # Registered Users on C: every signed-in user, not anonymous; Public on D: everyone
    share(t, c["id"], role_id(t, "Contributor"), group=group_id(t, "Registered Users"))
    share(t, d["id"], role_id(t, "Viewer"), group=group_id(t, "Public"))
    assert [x["id"] for x in ok(u.client.get("/api2/collections"))["items"]] == [a["id"], b["id"], c["id"], d["id"]]
    assert [x["id"] for x in ok(t.anon.get("/api2/collections"))["items"]] == [d["id"]]
    # filters
    assert [x["id"] for x in ok(u.client.get("/api2/collections", params={"permission": "media-create"}))[
        "items"]] == [c["id"], d["id"]]
    assert [x["id"] for x in ok(u.client.get("/api2/collections", params={"parent_id": a["id"]}))["items"]] == [b["id"]]
    assert [x["id"] for x in ok(u.client.get("/api2/collections", params={"is_podcast": "1"}))["items"]] == [b["id"]]
    assert [x["id"] for x in ok(u.client.get("/api2/collections", params={"display_name": "Private"}))["items"]] == [
        c["id"]]
    invalid(u.client.get("/api2/collections", params={"permission": "fly"}), "permission")
    # paging: links carry the other parameters
    body = ok(u.client.get("/api2/collections", params={"per_page": 3, "permission": "collection-read"}))
    assert len(body["items"]) == 3 and body["links"]["next"] == \
        "/api2/collections?permission=collection-read&_p=2&per_page=3", body
    body = ok(u.client.get(body["links"]["next"]))
    assert [x["id"] for x in body["items"]] == [d["id"]] and body["links"]["next"] is None, body
    # tree: a visible node under an invisible parent is a top node
    tree = ok(u.client.get("/api2/collections/tree"))["items"]
    assert [n["id"] for n in tree] == [a["id"]], tree
    node = tree[0]
    for want in (b, c, d):
        assert [n["id"] for n in node["children"]] == [want["id"]], tree
        node = node["children"][0]
    assert node["children"] == [], tree
    assert ok(t.anon.get("/api2/collections/tree"))["items"] == [dict(d, children=[])]
    tree = ok(u.client.get("/api2/collections/tree", params={"permission": "media-create"}))["items"]
    assert [n["id"] for n in tree] == [c["id"]] and tree[0]["children"][0]["id"] == d["id"], tree
    full = ok(t.admin.get("/api2/collections/tree"))["items"]
    assert [n["id"] for n in full] == [site["id"]] and full[0]["children"][0]["id"] == a["id"], full


def test_checks_explain_and_403(stack):
    t = stack.new_tenant()
    site = my_site(t)
    a = mkcoll(t, "A", site["id"])
    b = mkcoll(t, "B", a["id"])
    u = t.new_user("Student")
    other = t.new_user("Other")
    share(t, a["id"], role_id(t, "Viewer"), user=u.id)
    r = ok(u.client.get("/api2/collections/%s/permissions" % b["id"]))
    assert r == {"collection_id": b["id"], "user_id": str(u.id), "permissions": VIEWER}, r
    # another user's permissions: Administrator users or collection-share only
    r = u.client.get("/api2/collections/%s/permissions" % b["id"], params={"user_id": other.id})
    assert r.status == 403 and r.json()["permission"] == "collection-share" and r.json()["collection_id"] == b["id"], r
    assert ok(t.admin.get("/api2/collections/%s/permissions" % b["id"], params={"user_id": other.id}))[
        "permissions"] == []
    assert ok(t.admin.get("/api2/collections/%s/permissions" % b["id"]))["permissions"] == ALL
    # 403 names the permission and collection; explain then shows what would grant it
    r = u.client.request("PATCH", "/api2/collections/" + b["id"], json_body={"display_name": "X"})
    assert r.status == 403, r
    body = r.json()
    assert body["permission"] == "collection-update" and body["collection_id"] == b["id"], body
    ex = ok(u.client.get("/api2/collections/%s/permissions/%s/explain" % (body["collection_id"], body["permission"])))
    assert ex["granted"] is False and ex["permission"] == "collection-update", ex
    assert [(c["id"], c["inherit_memberships"]) for c in ex["chain"]] == [(b["id"], True), (a["id"], True),
                                                                         (site["id"], False)], ex
    assert [(m["collection"]["id"], m["direct"], m["via"], m["role"]["display_name"], m["grants"])
            for m in ex["memberships"]] == [(a["id"], False, "user", "Viewer", False)], ex
    roles = [x["display_name"] for x in ex["would_grant"]["roles"]]
    assert "Manager" in roles and "Viewer" not in roles, ex
    assert [x["id"] for x in ex["would_grant"]["collections"]] == [b["id"], a["id"], site["id"]], ex
    # follow would_grant: a Manager membership on the top of the chain, and it is granted
    manager = [x for x in ex["would_grant"]["roles"] if x["display_name"] == "Manager"][0]
    share(t, ex["would_grant"]["collections"][-1]["id"], manager["id"], user=u.id)
    ex = ok(u.client.get("/api2/collections/%s/permissions/collection-update/explain" % b["id"]))
    assert ex["granted"] is True and any(m["grants"] for m in ex["memberships"]), ex
    assert ok(u.client.request("PATCH", "/api2/collections/" + b["id"], json_body={"display_name": "X"}))[
        "display_name"] == "X"
    assert u.client.get("/api2/collections/%s/permissions/fly/explain" % b["id"]).status == 404
    assert t.admin.get("/api2/collections/%s/permissions/media-read/explain" % b["id"],
                       params={"user_id": u.id}).json()["granted"] is True


def test_memberships(stack):
    t = stack.new_tenant()
    site = my_site(t)
    a = mkcoll(t, "A", site["id"])
    u = t.new_user("Sharer")
    v = t.new_user("Friend")
    viewer, contributor, manager = role_id(t, "Viewer"), role_id(t, "Contributor"), role_id(t, "Manager")
    sharer = ok(t.admin.post("/api2/roles", json_body={"display_name": "Sharer", "permissions": [
        "collection-read", "collection-update", "collection-share", "media-read", "media-play", "comment-read"]}))
    m = share(t, a["id"], sharer["id"], user=u.id)
    assert set(m) == {"id", "collection", "role", "user", "group", "created_on", "modified_on", "links"}, m
    assert m["collection"] == {"id": a["id"], "display_name": "A"} and m["group"] is None, m
    assert m["user"] == {"id": str(u.id), "display_name": "Sharer"} and m["links"] == {
        "self": "/api2/memberships/" + m["id"]}, m
    # one membership per (collection, principal)
    invalid(t.admin.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": viewer,
                                                         "user_id": str(u.id)}), "user_id")
    # the sharer gives Viewer (all held) but not Contributor (media-create not held): no self-escalation
    r = u.client.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": viewer, "user_id": v.id})
    mv = ok(r)
    assert r.header("Location") == "/api2/memberships/" + mv["id"]
    r = u.client.request("PATCH", "/api2/memberships/" + mv["id"], json_body={"role_id": contributor})
    assert r.status == 403 and r.json()["collection_id"] == a["id"], r
    r = u.client.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": manager,
                                                      "group_id": group_id(t, "Public")})
    assert r.status == 403, r
    # a role the sharer may not give is a 403 before the body's other faults (the friend already has one)
    r = u.client.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": manager, "user_id": v.id})
    assert r.status == 403 and r.json()["collection_id"] == a["id"], r
    assert ok(t.admin.put("/api2/memberships/" + mv["id"], json_body={"role_id": contributor}))["role"]["id"] == \
        contributor
    # the friend (no collection-share) sees no memberships; the sharer sees A's
    assert ok(v.client.get("/api2/memberships"))["items"] == []
    assert v.client.get("/api2/memberships/" + mv["id"]).status == 404
    assert [x["id"] for x in ok(u.client.get("/api2/memberships"))["items"]] == [m["id"], mv["id"]]
    r = v.client.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": viewer,
                                                      "group_id": group_id(t, "Public")})
    assert r.status == 403 and r.json()["permission"] == "collection-share", r
    # filters
    assert [x["id"] for x in ok(t.admin.get("/api2/memberships", params={"user_id": v.id}))["items"]] == [mv["id"]]
    assert [x["id"] for x in ok(t.admin.get("/api2/memberships", params={"role_id": sharer["id"]}))["items"]] == [
        m["id"]]
    assert len(ok(t.admin.get("/api2/memberships", params={"collection_id": a["id"]}))["items"]) == 2
    assert ok(t.admin.get("/api2/memberships", params={"group_id": group_id(t, "Public")}))["items"] == []
    # bad input, every field at once
    invalid(t.admin.post("/api2/memberships", json_body={"collection_id": "999999999", "role_id": "999999999",
                                                         "user_id": "1", "group_id": "1"}),
            "collection_id", "role_id", "user_id")
    invalid(t.admin.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": viewer}), "user_id")
    invalid(t.admin.post("/api2/memberships", json_body={"collection_id": a["id"], "role_id": viewer,
                                                         "group_id": "999999999"}), "group_id")
    # a role in use cannot be deleted
    r = t.admin.delete("/api2/roles/" + sharer["id"])
    assert invalid(r, "id")[0]["message"] == "role is used by 1 memberships"
    # delete: collection-share; 204 also for an unknown id
    ok(u.client.delete("/api2/memberships/" + mv["id"]), 204)
    ok(u.client.delete("/api2/memberships/" + mv["id"]), 204)
    assert t.admin.get("/api2/memberships/" + mv["id"]).status == 404
    ok(t.admin.delete("/api2/memberships/" + m["id"]), 204)
    ok(t.admin.delete("/api2/roles/" + sharer["id"]), 204)


def test_groups_and_users(stack):
    t = stack.new_tenant()
    u = t.new_user("Gina")
    public = group_id(t, "Public")
    assert t.anon.get("/api2/groups").status == 401
    assert u.client.get("/api2/groups").status == 200
    r = u.client.post("/api2/groups", json_body={"display_name": "Staff"})
    assert r.status == 403, r
    r = t.admin.post("/api2/groups", json_body={"display_name": "Staff"})
    g = ok(r)
    assert r.header("Location") == "/api2/groups/" + g["id"] and g["builtin"] is None, r
    invalid(t.admin.post("/api2/groups", json_body={"display_name": "staff"}), "display_name")
    invalid(t.admin.post("/api2/groups/" + public, json_body={"display_name": "Everyone"}), "display_name")
    invalid(t.admin.delete("/api2/groups/" + public), "id")
    assert ok(t.admin.request("PATCH", "/api2/groups/" + g["id"], json_body={"display_name": "Staff 2"}))[
        "display_name"] == "Staff 2"
    # members
    invalid(t.admin.post("/api2/groups/%s/users" % public, json_body={"user_id": str(u.id)}), "user_id")
    # nor can anyone be taken out of one (everyone is in Public, every signed-in user in Registered Users)
    for builtin in (public, group_id(t, "Registered Users")):
        invalid(t.admin.delete("/api2/groups/%s/users/%d" % (builtin, u.id)), "user_id")
        assert ok(t.admin.get("/api2/groups/%s/users/%d" % (builtin, u.id)))["id"] == str(u.id)
    assert u.client.delete("/api2/groups/%s/users/%d" % (public, u.id)).status == 403
    invalid(t.admin.post("/api2/groups/%s/users" % g["id"], json_body={"user_id": "999999999"}), "user_id")
    first = ok(t.admin.post("/api2/groups/%s/users" % g["id"], json_body={"user_id": str(u.id)}))
    assert ok(t.admin.post("/api2/groups/%s/users" % g["id"], json_body={"user_id": str(u.id)})) == first
    assert [x["id"] for x in ok(t.admin.get("/api2/groups/%s/users" % g["id"]))["items"]] == [str(u.id)]
    assert [x["id"] for x in ok(u.client.get("/api2/groups", params={"user_id": u.id}))["items"]] == \
        [public, group_id(t, "Registered Users"), g["id"]]
    assert u.client.get("/api2/groups/%s/users" % g["id"]).status == 403
    # one member: the user object, a non-member 404; every active user is a member of a built-in group
    assert ok(t.admin.get("/api2/groups/%s/users/%d" % (g["id"], u.id))) == first
    assert t.admin.get("/api2/groups/%s/users/%d" % (g["id"], t.admin_user_id)).status == 404
    assert t.admin.get("/api2/groups/%s/users/999999999" % g["id"]).status == 404
    assert t.admin.get("/api2/groups/999999999/users/%d" % u.id).status == 404
    assert ok(t.admin.get("/api2/groups/%s/users/%d" % (public, u.id))) == first
    assert u.client.get("/api2/groups/%s/users/%d" % (g["id"], u.id)).status == 403
    # users: Administrator users only, read-only
    assert u.client.get("/api2/users").status == 403
    users = ok(t.admin.get("/api2/users"))["items"]
    assert [x["id"] for x in users] == [str(t.admin_user_id), str(u.id)], users
    assert set(users[0]) == {"id", "is_admin", "display_name", "unique_id", "email_address", "created_on",
                             "modified_on", "links"} and users[0]["is_admin"] is True, users
    assert users[1]["links"] == {"self": "/api2/users/%d" % u.id, "groups": "/api2/groups?user_id=%d" % u.id}
    assert [x["id"] for x in ok(t.admin.get("/api2/users", params={"is_admin": "0"}))["items"]] == [str(u.id)]
    assert [x["id"] for x in ok(t.admin.get("/api2/users", params={"unique_id": "adm%"}))["items"]] == [
        str(t.admin_user_id)]
    assert [x["id"] for x in ok(t.admin.get("/api2/users", params={"group_id": g["id"]}))["items"]] == [str(u.id)]
    assert ok(t.admin.get("/api2/users/%d" % u.id))["display_name"] == "Gina"
    assert t.admin.get("/api2/users/999999999").status == 404
    # removing a member, twice; deleting the group, twice
    ok(t.admin.delete("/api2/groups/%s/users/%d" % (g["id"], u.id)), 204)
    ok(t.admin.delete("/api2/groups/%s/users/%d" % (g["id"], u.id)), 204)
    assert t.admin.get("/api2/groups/%s/users/%d" % (g["id"], u.id)).status == 404
    ok(t.admin.delete("/api2/groups/" + g["id"]), 204)
    ok(t.admin.delete("/api2/groups/" + g["id"]), 204)
    assert t.admin.get("/api2/groups/" + g["id"]).status == 404


def test_other_tenants_ids(stack):
    t = stack.new_tenant()
    o = stack.new_tenant()
    site, osite = my_site(t), my_site(o)
    oc = mkcoll(o, "Theirs", osite["id"])
    og = ok(o.admin.post("/api2/groups", json_body={"display_name": "Their group"}))
    ou = o.new_user("Them")
    om = share(o, oc["id"], role_id(o, "Viewer"), user=ou.id)
    for path in ("/api2/collections/" + oc["id"], "/api2/groups/" + og["id"], "/api2/users/%d" % ou.id,
                 "/api2/memberships/" + om["id"], "/api2/collections/%s/permissions" % oc["id"]):
        assert t.admin.get(path).status == 404, path
    invalid(t.admin.post("/api2/collections", json_body={"display_name": "X", "parent_id": oc["id"]}), "parent_id")
    invalid(t.admin.post("/api2/memberships", json_body={"collection_id": site["id"], "role_id": role_id(o, "Viewer"),
                                                         "user_id": str(ou.id)}), "role_id", "user_id")
    invalid(t.admin.post("/api2/memberships", json_body={"collection_id": oc["id"], "role_id": role_id(t, "Viewer"),
                                                         "group_id": og["id"]}), "collection_id", "group_id")
    ok(t.admin.delete("/api2/collections/" + oc["id"]), 204)
    ok(t.admin.delete("/api2/memberships/" + om["id"]), 204)
    assert ok(o.admin.get("/api2/collections/" + oc["id"]))["id"] == oc["id"]
    assert ok(o.admin.get("/api2/memberships/" + om["id"]))["id"] == om["id"]


def test_checks_memberships_and_explain_are_compact_in_documented_order(stack):
    """Every api2 object is compact JSON with its keys in the documented order: memberships (also their
    collection / role / user / group references), the permission check and explain."""
    t = stack.new_tenant()
    site = my_site(t)
    a = mkcoll(t, "A", site["id"])
    u = t.new_user("Student")
    m = share(t, a["id"], role_id(t, "Viewer"), user=u.id)
    raw = t.admin.get("/api2/memberships/" + m["id"]).text
    assert raw.startswith('{"id":"%s","collection":{"id":"%s","display_name":"A"},"role":{"id":"%s",'
                          '"display_name":"Viewer"},"user":{"id":"%s","display_name":"Student"},"group":null,'
                          '"created_on":"' % (m["id"], a["id"], m["role"]["id"], u.id)), raw
    raw = u.client.get("/api2/collections/%s/permissions" % a["id"]).text
    assert raw == ('{"collection_id":"%s","user_id":"%s","permissions":["collection-read","comment-read",'
                   '"media-play","media-read"]}' % (a["id"], u.id)), raw
    raw = u.client.get("/api2/collections/%s/permissions/media-play/explain" % a["id"]).text
    assert raw.startswith(
        '{"collection_id":"%s","user_id":"%s","permission":"media-play","granted":true,"is_admin":false,'
        '"chain":[{"id":"%s","display_name":"A","inherit_memberships":true},'
        '{"id":"%s","display_name":"My Site","inherit_memberships":false}],'
        '"memberships":[{"id":"%s","collection":{"id":"%s","display_name":"A"},"direct":true,"via":"user",'
        '"group":null,"role":{"id":"%s","display_name":"Viewer"},"grants":true}],'
        '"would_grant":{"roles":[' % (a["id"], u.id, a["id"], site["id"], m["id"], a["id"], m["role"]["id"])), raw
    assert raw.endswith('],"collections":[{"id":"%s","display_name":"A"},{"id":"%s","display_name":"My Site"}]}}'
                        % (a["id"], site["id"])), raw
    # the permission is part of the path: unknown is a 404 before the access rule on ?user_id= (403)
    other = t.new_user("Other")
    assert u.client.get("/api2/collections/%s/permissions/fly/explain" % a["id"],
                        params={"user_id": other.id}).status == 404
    assert u.client.get("/api2/collections/%s/permissions/media-play/explain" % a["id"],
                        params={"user_id": other.id}).status == 403


def test_lists_past_the_end_point_prev_at_the_last_page(stack):
    """Paging as in the Roles API: a page past the end is empty, next is null and prev is the last page (the
    lists that page with a look-ahead row count the set only then)."""
    t = stack.new_tenant()
    site = my_site(t)
    for n in range(4):
        mkcoll(t, "C%d" % n, site["id"])
    u = t.new_user("U")
    share(t, site["id"], role_id(t, "Viewer"), user=u.id)
    for client, path, params, last in (
            (t.admin, "/api2/collections", {"per_page": 2}, 3),                      # 5 collections
            (t.admin, "/api2/collections", {"per_page": 2, "display_name": "C1"}, 1),
            (t.admin, "/api2/collections", {"per_page": 2, "display_name": "none"}, 1),
            (u.client, "/api2/collections", {"per_page": 2, "permission": "media-read"}, 3),
            (t.admin, "/api2/groups", {"per_page": 1}, 2),                           # Public, Registered Users
            (t.admin, "/api2/users", {"per_page": 1}, 2),                            # the admin and U
            (t.admin, "/api2/groups/%s/users" % group_id(t, "Public"), {"per_page": 1}, 2),
            (t.admin, "/api2/memberships", {"per_page": 1}, 1)):
        params = dict(params, _p=9)
        body = ok(client.get(path, params=params))
        others = "".join("%s=%s&" % (k, v) for k, v in sorted(params.items()) if k not in ("_p", "per_page"))
        assert body["items"] == [], (path, body)
        assert body["links"] == {"self": "%s?%s_p=9&per_page=%s" % (path, others, params["per_page"]),
                                 "prev": "%s?%s_p=%d&per_page=%s" % (path, others, last, params["per_page"]),
                                 "next": None}, (path, params, body)
        # and the last page is what prev says
        body = ok(client.get(path, params=dict(params, _p=last)))
        assert body["links"]["next"] is None and (body["items"] or last == 1), (path, body)


def race(jobs):
    """Runs each (what, call) of jobs in a thread of its own, all at once; their (what, answer) pairs."""
    import threading
    out = []
    lock = threading.Lock()

    def run(what, fn):
        r = fn()
        with lock:
            out.append((what, r))

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return out


def test_concurrent_given_slugs(stack):
    """A clash on a given slug is a 422, also when another request takes the slug between the check and the
    write (creates, and a PATCH racing them)."""
    t = stack.new_tenant()
    site = my_site(t)
    spare = [mkcoll(t, "Spare %d" % n, site["id"])["id"] for n in range(4)]
    for attempt in range(5):
        slug = "race-%d" % attempt
        jobs = [("create", lambda: t.admin.post("/api2/collections", json_body={
            "display_name": "R", "parent_id": site["id"], "slug": slug})) for _ in range(6)]
        jobs += [("patch", lambda cid=cid: t.admin.request("PATCH", "/api2/collections/" + cid,
                                                          json_body={"slug": slug})) for cid in spare]
        out = [r for _, r in race(jobs)]
        assert sorted(r.status for r in out) == [200] + [422] * 9, out
        for r in out:
            if r.status == 422:
                assert r.json()["errors"] == [{"field": "slug", "message": "has already been taken"}], r


def test_writes_racing_deletes_answer_422(stack):
    """An id in a body that a concurrent request deletes after it was checked is still an unknown id: 422
    naming the field (never the 404 of a failed foreign key)."""
    t = stack.new_tenant()
    site = my_site(t)
    users = [t.new_user("U%d" % n) for n in range(4)]
    for attempt in range(12):
        role = ok(t.admin.post("/api2/roles", json_body={"display_name": "R%d" % attempt, "permissions": []}))["id"]
        c = mkcoll(t, "C%d" % attempt, site["id"])["id"]
        jobs = [("membership", lambda u=u: t.admin.post("/api2/memberships", json_body={
            "collection_id": c, "role_id": role, "user_id": str(u.id)})) for u in users]
        jobs += [("collection", lambda n=n: t.admin.post("/api2/collections", json_body={
            "display_name": "Sub %d" % n, "parent_id": c})) for n in range(2)]
        jobs.insert(2, ("delete", lambda: t.admin.delete("/api2/collections/" + c)))
        jobs.insert(3, ("delete", lambda: t.admin.delete("/api2/roles/" + role)))
        for what, r in race(jobs):
            if what == "delete":
                assert r.status in (204, 422), r
                continue
            assert r.status in (200, 422), (what, r)
            if r.status == 422:
                fields = [e["field"] for e in r.json()["errors"]]
                assert fields in (["collection_id"], ["role_id"], ["collection_id", "role_id"], ["parent_id"]), r


def test_tree_with_a_forged_cycle_keeps_every_visible_collection(stack):
    """A parent_id cycle in the data (forged: the API refuses to make one) neither hangs the tree nor loses
    its collections: every visible collection is in it once, the cycle entered at its lowest id."""
    t = stack.new_tenant()
    site = my_site(t)
    x = mkcoll(t, "X", site["id"])["id"]
    y = mkcoll(t, "Y", x)["id"]
    z = mkcoll(t, "Z", y)["id"]
    w = mkcoll(t, "W", site["id"])["id"]
    t.sql("UPDATE api2_collections SET parent_id = %s WHERE id = %s" % (y, x))

    def shape(nodes):
        return [(n["id"], shape(n["children"])) for n in nodes]

    tree = ok(t.admin.get("/api2/collections/tree"))["items"]
    assert shape(tree) == [(site["id"], [(w, [])]), (x, [(y, [(z, [])])])], tree
    u = t.new_user("U")
    share(t, y, role_id(t, "Viewer"), user=u.id)
    assert [c["id"] for c in ok(u.client.get("/api2/collections"))["items"]] == [x, y, z]
    assert shape(ok(u.client.get("/api2/collections/tree"))["items"]) == [(x, [(y, [(z, [])])])]
    # the API can still repair it
    ok(t.admin.request("PATCH", "/api2/collections/" + x, json_body={"parent_id": site["id"]}))
    assert shape(ok(t.admin.get("/api2/collections/tree"))["items"]) == [
        (site["id"], [(x, [(y, [(z, [])])]), (w, [])])]


def test_moves_and_creates_racing_a_delete_of_the_parent(stack):
    """Moves onto, and creates under, a collection that another request deletes: each one waits for the
    other (one tree lock, taken before any collection row) and answers 200 / 204 or 422, never a deadlock."""
    t = stack.new_tenant()
    site = my_site(t)
    for attempt in range(30):
        p = mkcoll(t, "P%d" % attempt, site["id"])["id"]
        cs = [mkcoll(t, "C%d-%d" % (attempt, n), site["id"])["id"] for n in range(3)]
        jobs = [("move", lambda c=c: t.admin.request("PATCH", "/api2/collections/" + c, json_body={"parent_id": p}))
                for c in cs]
        jobs.insert(1, ("delete", lambda: t.admin.delete("/api2/collections/" + p)))
        jobs.insert(2, ("create", lambda: t.admin.post("/api2/collections", json_body={"display_name": "X",
                                                                                          "parent_id": p})))
        for what, r in race(jobs):
            assert r.status in ((204, 422) if what == "delete" else (200, 422)), (what, r)


def test_blank_descriptions_and_plain_texts_are_null(stack):
    """Blank fields are null (api2-roles.md §1): a whitespace-only description, and a description_plain with
    nothing but whitespace left once the tags are gone, are null; a plain text with words keeps its spaces."""
    t = stack.new_tenant()
    site = my_site(t)
    for d in ["   ", "\n\t", "\u00a0"]:
        c = mkcoll(t, "Blank", site["id"], description=d)
        assert c["description"] is None and c["description_plain"] is None, (d, c)
    for d in ["<p></p>", "<br>", "<p> &nbsp; </p>", "<!-- nothing -->"]:
        c = mkcoll(t, "Tags only", site["id"], description=d)
        assert c["description"] == d and c["description_plain"] is None, (d, c)
        assert ok(t.admin.get("/api2/collections/" + c["id"]))["description_plain"] is None, c
    c = mkcoll(t, "Words", site["id"], description="<p> Hi </p>")
    assert c["description_plain"] == " Hi ", c
    c = ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"description": "<p></p>"}))
    assert c["description"] == "<p></p>" and c["description_plain"] is None, c
    c = ok(t.admin.request("PATCH", "/api2/collections/" + c["id"], json_body={"description": " \n"}))
    assert c["description"] is None and c["description_plain"] is None, c
