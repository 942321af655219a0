"""api2 Roles API (issue #4, api2-roles.md) through nginx: every endpoint, every error, paging, the
dependency rule, and concurrent writers on one role."""
import re
import threading
import time

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

ALL = ["admin-panel-access", "collection-create", "collection-delete", "collection-move", "collection-read",
       "collection-share", "collection-update", "comment-create", "comment-delete", "comment-read",
       "comment-update", "media-create", "media-delete", "media-download", "media-like", "media-play",
       "media-publish", "media-read", "media-update"]
# direct dependencies (api2-roles.md §2)
DEPS = {
    "collection-create": ["collection-read"], "collection-delete": ["collection-read"],
    "collection-move": ["collection-create", "collection-delete", "collection-update"],
    "collection-share": ["collection-update"], "collection-update": ["collection-read"],
    "comment-create": ["comment-read"], "comment-delete": ["comment-read"], "comment-read": ["media-read"],
    "comment-update": ["comment-read"], "media-create": ["media-read"], "media-delete": ["media-update"],
    "media-download": ["media-read"], "media-like": ["media-read"], "media-play": ["media-read"],
    "media-publish": ["media-create"], "media-read": ["collection-read"],
    "media-update": ["media-read", "admin-panel-access"],
}
VIEWER = ["collection-read", "comment-read", "media-play", "media-read"]
CONTRIBUTOR = ["collection-read", "comment-create", "comment-read", "media-create", "media-download", "media-like",
               "media-play", "media-read"]
LTI_CONTEXT = ["Learner", "Instructor", "ContentDeveloper", "Member", "Manager", "Mentor", "Administrator",
               "TeachingAssistant"]
LTI_INSTITUTION = ["Student", "Faculty", "Member", "Learner", "Instructor", "Mentor", "Staff", "Alumni",
                   "ProspectiveStudent", "Guest", "Other", "Administrator", "Observer", "None", "SysAdmin"]
FORBIDDEN = "Only Administrator users may use the Roles API"


def closed(perms):
    return all(d in perms for p in perms for d in DEPS.get(p, []))


def assert_role(role):
    assert set(role) == {"id", "display_name", "created_on", "modified_on", "permissions", "deletable", "lti",
                         "links"}, role
    assert isinstance(role["id"], str) and role["id"].isdigit(), role
    assert ISO.match(role["created_on"]) and ISO.match(role["modified_on"]), role
    assert role["links"] == {"self": "/api2/roles/" + role["id"]}, role
    assert role["permissions"] == sorted(role["permissions"]), role
    assert closed(role["permissions"]), role


def assert_error(r, status, message=None):
    assert r.status == status, r
    assert r.header("Content-Type").startswith("application/json"), r
    body = r.json()
    assert isinstance(body.get("message"), str) and body["message"], r
    if message is not None:
        assert body["message"] == message, r
    if status != 422:
        assert set(body) == {"message"}, r
    return body


def assert_invalid(r, *errors):
    """422 with exactly these (field, message) errors; a message None matches any text."""
    body = assert_error(r, 422, "Invalid values")
    got = body["errors"]
    assert all(set(e) == {"field", "message"} for e in got), r
    assert [e["field"] for e in got] == [f for f, _ in errors], r
    for e, (_, m) in zip(got, errors):
        if m is not None:
            assert e["message"] == m, r


def role_id(t, name):
    r = t.admin.get("/api2/roles", params={"display_name": name})
    assert r.status == 200 and len(r.json()["items"]) == 1, r
    return r.json()["items"][0]["id"]


def create(t, name, perms):
    r = t.admin.post("/api2/roles", json_body={"display_name": name, "permissions": perms})
    assert r.status == 200, r
    return r.json()


def test_seeded_roles(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api2/roles")
    assert r.status == 200, r
    items = r.json()["items"]
    assert len(items) == 26, r
    for role in items:
        assert_role(role)
    assert [x["display_name"] for x in items[:3]] == ["Manager", "Contributor", "Viewer"], items[:3]
    assert [int(x["id"]) for x in items] == sorted(int(x["id"]) for x in items)
    assert items[0]["permissions"] == ALL
    assert items[1]["permissions"] == CONTRIBUTOR and items[2]["permissions"] == VIEWER
    assert all(x["deletable"] and not x["lti"] for x in items[:3])
    lti = items[3:]
    assert [x["display_name"] for x in lti] == (["LTI Context " + n for n in LTI_CONTEXT]
                                                + ["LTI Institution " + n for n in LTI_INSTITUTION])
    assert all(x["lti"] and not x["deletable"] for x in lti)
    # a second tenant has its own copies
    t2 = stack.new_tenant()
    ids2 = {x["id"] for x in t2.admin.get("/api2/roles").json()["items"]}
    assert ids2 and not ids2 & {x["id"] for x in items}


def test_list_paging(stack):
    t = stack.new_tenant()
    r = t.admin.get("/api2/roles")
    assert r.json()["links"] == {"self": "/api2/roles?_p=1&per_page=50", "prev": None, "next": None}, r
    r = t.admin.get("/api2/roles", params={"per_page": 10, "_p": 2, "lti": "true"})
    body = r.json()
    assert r.status == 200 and len(body["items"]) == 10, r
    assert body["links"] == {"self": "/api2/roles?lti=true&_p=2&per_page=10",
                             "prev": "/api2/roles?lti=true&_p=1&per_page=10",
                             "next": "/api2/roles?lti=true&_p=3&per_page=10"}, r
    # following next to the end: 23 LTI roles in pages of 10
    r = t.admin.get(body["links"]["next"])
    assert len(r.json()["items"]) == 3 and r.json()["links"]["next"] is None, r
    seen = [x["id"] for p in (1, 2, 3) for x in t.admin.get("/api2/roles", params={"per_page": 10, "_p": p,
                                                                                   "lti": "true"}).json()["items"]]
    assert len(seen) == 23 and len(set(seen)) == 23 and seen == sorted(seen, key=int)
    # past the end: empty, prev points at the last page
    r = t.admin.get("/api2/roles", params={"per_page": 10, "_p": 9})
    assert r.json()["items"] == [] and r.json()["links"]["prev"] == "/api2/roles?_p=3&per_page=10", r
    assert r.json()["links"]["next"] is None
    # clamping
    r = t.admin.get("/api2/roles", params={"per_page": 100000})
    assert r.json()["links"]["self"] == "/api2/roles?_p=1&per_page=500" and len(r.json()["items"]) == 26, r
    r = t.admin.get("/api2/roles", params={"per_page": 0, "_p": 0})
    assert len(r.json()["items"]) == 1 and r.json()["links"]["self"] == "/api2/roles?_p=1&per_page=1", r
    assert r.json()["links"]["next"] == "/api2/roles?_p=2&per_page=1", r
    # the access token is never echoed into links
    r = t.admin.get("/api2/roles", params={"access_token": "x" * 8, "per_page": 5})
    assert "access_token" not in r.json()["links"]["next"], r


def test_list_and_count_filters(stack):
    t = stack.new_tenant()

    def both(**params):
        r = t.admin.get("/api2/roles", params=params)
        c = t.admin.get("/api2/roles/count", params=params)
        assert r.status == 200 and c.status == 200, (r, c)
        assert c.json() == {"count": len(r.json()["items"])}, (r, c)
        return [x["display_name"] for x in r.json()["items"]]

    assert t.admin.get("/api2/roles/count").json() == {"count": 26}
    assert both(display_name="Viewer") == ["Viewer"]
    assert both(display_name="viewer") == []
    assert both(deletable="true") == ["Manager", "Contributor", "Viewer"]
    assert len(both(deletable="false")) == 23
    assert len(both(lti="true")) == 23 and both(lti="false") == ["Manager", "Contributor", "Viewer"]
    assert both(lti="false", deletable="false") == []
    assert both(permissions="media-update,media-publish") == [
        "Manager", "LTI Context Administrator", "LTI Institution Administrator", "LTI Institution SysAdmin"]
    assert both(permissions="media-play", lti="false") == ["Manager", "Contributor", "Viewer"]
    assert both(permissions="media-download, media-like", deletable="true") == ["Manager", "Contributor"]
    assert len(both(permissions="")) == 26
    create(t, "Player", ["collection-read", "media-read", "media-play"])
    assert both(display_name="Player", permissions="media-play", lti="false", deletable="true") == ["Player"]
    for params, field in (({"deletable": "maybe"}, "deletable"), ({"lti": "yes"}, "lti"),
                          ({"permissions": "media-play,nope"}, "permissions")):
        assert_invalid(t.admin.get("/api2/roles", params=params), (field, None))
        assert_invalid(t.admin.get("/api2/roles/count", params=params), (field, None))


def test_get(stack):
    t = stack.new_tenant()
    other = stack.new_tenant()
    rid = role_id(t, "Viewer")
    r = t.admin.get("/api2/roles/" + rid)
    assert r.status == 200, r
    assert_role(r.json())
    assert r.json()["display_name"] == "Viewer" and r.json()["permissions"] == VIEWER
    assert r.json()["deletable"] is True and r.json()["lti"] is False
    assert r.header("Content-Type") == "application/json; charset=utf-8"
    for bad in ("abc", "99999999", "99999999999999999999", "-1", "1.5", "%20", role_id(other, "Viewer"),
                rid + ".json"):
        assert_error(t.admin.get("/api2/roles/" + bad), 404, "Role not found")


def test_create(stack):
    t = stack.new_tenant()
    r = t.admin.post("/api2/roles", json_body={"display_name": "  New Role ",
                                               "permissions": ["media-like", "media-play", "comment-create",
                                                               "media-read", "collection-read"]})
    assert r.status == 200, r
    role = r.json()
    assert_role(role)
    assert r.header("Location") == "/api2/roles/" + role["id"], r
    assert role["display_name"] == "New Role"
    # comment-create lacks comment-read: left out, the rest added
    assert role["permissions"] == ["collection-read", "media-like", "media-play", "media-read"], role
    assert role["deletable"] is True and role["lti"] is False
    assert role["created_on"] == role["modified_on"]
    assert t.admin.get(r.header("Location")).json() == role
    # an empty permission list is a role with no permissions
    assert create(t, "Nothing", [])["permissions"] == []
    # form-encoded bodies work too (permissions[] as a list)
    r = t.admin.post("/api2/roles", form=[("display_name", "Formed"), ("permissions[]", "collection-read")])
    assert r.status == 200 and r.json()["permissions"] == ["collection-read"], r
    # JSON in: a JSON object sent without a type, or with curl -d's form type, is read as JSON
    body = '{"display_name": "Untyped", "permissions": ["collection-read"]}'
    r = t.admin.post("/api2/roles", body=body)
    assert r.status == 200 and r.json()["display_name"] == "Untyped", r
    r = t.admin.post("/api2/roles", body=" \n" + body.replace("Untyped", "Curled"),
                     content_type="application/x-www-form-urlencoded")
    assert r.status == 200 and r.json()["permissions"] == ["collection-read"], r
    assert_error(t.admin.post("/api2/roles", body='{"display_name": "Z", '), 400)


def test_create_invalid(stack):
    t = stack.new_tenant()
    before = t.admin.get("/api2/roles/count").json()["count"]
    p = ["collection-read"]
    assert_invalid(t.admin.post("/api2/roles", json_body={"permissions": p}), ("display_name", "is required"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": " \t", "permissions": p}),
                   ("display_name", "can't be blank"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": None, "permissions": p}),
                   ("display_name", "can't be blank"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": 12, "permissions": p}),
                   ("display_name", "must be a string"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "x" * 256, "permissions": p}),
                   ("display_name", None))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "viewer", "permissions": p}),
                   ("display_name", "has already been taken"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "LTI Context Learner", "permissions": p}),
                   ("display_name", "has already been taken"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "Z"}), ("permissions", "is required"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "Z", "permissions": "media-read"}),
                   ("permissions", "must be a list of permission names"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "Z", "permissions": ["media-read", 3]}),
                   ("permissions", "must be a list of permission names"))
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "Z",
                                                          "permissions": ["collection-read", "media-fly"]}),
                   ("permissions", 'unknown permission "media-fly"'))
    # every problem at once
    assert_invalid(t.admin.post("/api2/roles", json_body={"display_name": "", "permissions": ["a", "b"]}),
                   ("display_name", "can't be blank"), ("permissions", 'unknown permission "a"'),
                   ("permissions", 'unknown permission "b"'))
    assert_invalid(t.admin.post("/api2/roles", json_body={}), ("display_name", "is required"),
                   ("permissions", "is required"))
    # many long unknown names still give a well-formed body
    r = t.admin.post("/api2/roles", json_body={"display_name": "Z", "permissions": ["x" * 500 + str(i)
                                                                                  for i in range(100)]})
    assert_invalid(r, *[("permissions", None)] * 5)
    # malformed JSON
    assert_error(t.admin.post("/api2/roles", body='{"display_name": "Z", ', content_type="application/json"), 400)
    assert_error(t.admin.post("/api2/roles", body='[1, 2]', content_type="application/json"), 400)
    assert t.admin.get("/api2/roles/count").json()["count"] == before


def test_update(stack):
    t = stack.new_tenant()
    role = create(t, "Editable", ["collection-read"])
    path = "/api2/roles/" + role["id"]
    r = t.admin.post(path, json_body={"display_name": "Edited"})
    assert r.status == 200 and r.json()["display_name"] == "Edited" and r.json()["permissions"] == ["collection-read"]
    # permissions replace the whole set, with the dependency rule
    r = t.admin.post(path, json_body={"permissions": ["media-read", "media-update", "admin-panel-access",
                                                      "collection-read", "media-delete"]})
    assert r.status == 200, r
    assert r.json()["permissions"] == ["admin-panel-access", "collection-read", "media-delete", "media-read",
                                       "media-update"], r
    r = t.admin.post(path, json_body={"permissions": ["media-play", "media-read"], "display_name": "Both"})
    assert r.json()["permissions"] == [] and r.json()["display_name"] == "Both", r
    r = t.admin.post(path, json_body={"permissions": []})
    assert r.status == 200 and r.json()["permissions"] == [], r
    # nothing to change: the role as it is
    r = t.admin.post(path, json_body={})
    assert r.status == 200 and r.json()["display_name"] == "Both", r
    assert_role(r.json())
    # the same name in another case is fine for the role itself
    assert t.admin.post(path, json_body={"display_name": "BOTH"}).json()["display_name"] == "BOTH"


def test_update_invalid_and_atomic(stack):
    t = stack.new_tenant()
    other = stack.new_tenant()
    role = create(t, "Keep", ["collection-read"])
    path = "/api2/roles/" + role["id"]
    assert_invalid(t.admin.post(path, json_body={"display_name": "Viewer", "permissions": []}),
                   ("display_name", "has already been taken"))
    assert_invalid(t.admin.post(path, json_body={"display_name": "  "}), ("display_name", "can't be blank"))
    assert_invalid(t.admin.post(path, json_body={"permissions": None}),
                   ("permissions", "must be a list of permission names"))
    # a valid name with an unknown permission: nothing is written
    assert_invalid(t.admin.post(path, json_body={"display_name": "Fine", "permissions": ["media-read", "zzz"]}),
                   ("permissions", 'unknown permission "zzz"'))
    now = t.admin.get(path).json()
    assert now["display_name"] == "Keep" and now["permissions"] == ["collection-read"], now
    assert now["modified_on"] == role["modified_on"]
    # LTI roles: permissions editable, name fixed
    lti = role_id(t, "LTI Context Learner")
    r = t.admin.post("/api2/roles/" + lti, json_body={"permissions": ["collection-read"]})
    assert r.status == 200 and r.json()["permissions"] == ["collection-read"] and r.json()["lti"] is True, r
    assert_invalid(t.admin.post("/api2/roles/" + lti, json_body={"display_name": "Students"}),
                   ("display_name", "cannot be changed for an LTI role"))
    for bad in ("abc", "999999999", role_id(other, "Viewer")):
        assert_error(t.admin.post("/api2/roles/" + bad, json_body={"display_name": "X"}), 404, "Role not found")
    assert t.admin.get("/api2/roles/" + role_id(other, "Viewer")).status == 404
    assert other.admin.get("/api2/roles/" + role_id(other, "Viewer")).json()["display_name"] == "Viewer"
    assert_error(t.admin.post(path, body="{nope", content_type="application/json"), 400)


def test_add_and_remove_permissions(stack):
    t = stack.new_tenant()
    role = create(t, "Grow", [])
    add = "/api2/roles/%s/add-permissions" % role["id"]
    rem = "/api2/roles/%s/remove-permissions" % role["id"]
    # the documented example: media-play needs media-read, which needs collection-read
    r = t.admin.post(add, json_body={"permissions": ["media-play"]})
    assert r.status == 200 and r.json()["permissions"] == [], r
    r = t.admin.post(add, json_body={"permissions": ["collection-read"]})
    assert r.json()["permissions"] == ["collection-read"], r
    r = t.admin.post(add, json_body={"permissions": ["media-play"]})
    assert r.json()["permissions"] == ["collection-read"], r
    r = t.admin.post(add, json_body={"permissions": ["media-play", "media-read"]})
    assert r.json()["permissions"] == ["collection-read", "media-play", "media-read"], r
    assert_role(r.json())
    # adding what is there, or nothing, changes nothing
    r2 = t.admin.post(add, json_body={"permissions": ["media-read"]})
    assert r2.json() == r.json(), r2
    assert t.admin.post(add, json_body={"permissions": []}).json() == r.json()
    r = t.admin.post(add, json_body={"permissions": ["comment-create", "comment-read", "media-update"]})
    assert r.json()["permissions"] == ["collection-read", "comment-create", "comment-read", "media-play",
                                       "media-read"], r
    # removing takes every permission whose chain reaches a removed one
    r = t.admin.post(rem, json_body={"permissions": ["media-read"]})
    assert r.status == 200 and r.json()["permissions"] == ["collection-read"], r
    r = t.admin.post(rem, json_body={"permissions": ["media-like"]})
    assert r.json()["permissions"] == ["collection-read"], r
    full = create(t, "Full", ALL)
    assert full["permissions"] == ALL
    r = t.admin.post("/api2/roles/%s/remove-permissions" % full["id"], json_body={"permissions": ["admin-panel-access"]})
    assert r.json()["permissions"] == [p for p in ALL if p not in ("admin-panel-access", "media-update",
                                                                   "media-delete")], r
    r = t.admin.post("/api2/roles/%s/remove-permissions" % full["id"], json_body={"permissions": ["collection-read"]})
    assert r.json()["permissions"] == [], r
    # errors
    for path in (add, rem):
        assert_invalid(t.admin.post(path, json_body={}), ("permissions", "is required"))
        assert_invalid(t.admin.post(path, json_body={"permissions": "media-read"}), ("permissions", None))
        assert_invalid(t.admin.post(path, json_body={"permissions": ["media-read", "nope"]}),
                       ("permissions", 'unknown permission "nope"'))
        assert_error(t.admin.post(path, body="{", content_type="application/json"), 400)
    assert t.admin.get("/api2/roles/" + role["id"]).json()["permissions"] == ["collection-read"]
    for bad in ("abc", "999999999"):
        assert_error(t.admin.post("/api2/roles/%s/add-permissions" % bad, json_body={"permissions": []}), 404)
        assert_error(t.admin.post("/api2/roles/%s/remove-permissions" % bad, json_body={"permissions": []}), 404)


def test_modified_on(stack):
    t = stack.new_tenant()
    role = create(t, "Clock", ["collection-read"])
    time.sleep(1.1)
    path = "/api2/roles/" + role["id"]
    same = t.admin.post(path + "/add-permissions", json_body={"permissions": ["collection-read"]}).json()
    assert same["modified_on"] == role["modified_on"], same
    assert same == t.admin.get(path).json(), same
    gone = t.admin.post(path + "/remove-permissions", json_body={"permissions": ["media-read"]}).json()
    assert gone == same, gone
    changed = t.admin.post(path + "/add-permissions", json_body={"permissions": ["media-read"]}).json()
    assert changed["modified_on"] > role["modified_on"] and changed["created_on"] == role["created_on"], changed


def test_delete(stack):
    t = stack.new_tenant()
    other = stack.new_tenant()
    role = create(t, "Doomed", ["collection-read"])
    path = "/api2/roles/" + role["id"]
    r = t.admin.delete(path)
    assert r.status == 204 and r.body == b"", r
    assert_error(t.admin.get(path), 404)
    assert t.admin.delete(path).status == 204
    assert t.admin.delete("/api2/roles/999999999").status == 204
    assert t.admin.delete("/api2/roles/abc").status == 204
    # another tenant's role: "does not exist" here, and stays there
    theirs = role_id(other, "Viewer")
    assert t.admin.delete("/api2/roles/" + theirs).status == 204
    assert other.admin.get("/api2/roles/" + theirs).status == 200
    # the name is free again
    assert create(t, "Doomed", [])["display_name"] == "Doomed"
    # custom seeded roles can be deleted, LTI roles cannot
    assert t.admin.delete("/api2/roles/" + role_id(t, "Contributor")).status == 204
    lti = role_id(t, "LTI Institution Guest")
    assert_invalid(t.admin.delete("/api2/roles/" + lti), ("deletable", "this role cannot be deleted"))
    assert t.admin.get("/api2/roles/" + lti).status == 200


def test_authentication_and_authorization(stack):
    t = stack.new_tenant()
    rid = role_id(t, "Viewer")
    user = t.new_user("Plain")
    admin2 = t.new_user("Second Admin", is_admin=True)
    calls = [("GET", "/api2/roles", None), ("GET", "/api2/roles/count", None), ("GET", "/api2/roles/" + rid, None),
             ("POST", "/api2/roles", {"display_name": "", "permissions": "x"}),
             ("POST", "/api2/roles/" + rid, {"display_name": "Hacked"}),
             ("POST", "/api2/roles/%s/add-permissions" % rid, {"permissions": ["media-like"]}),
             ("POST", "/api2/roles/%s/remove-permissions" % rid, {"permissions": ["collection-read"]}),
             # requests that would change nothing are refused alike
             ("POST", "/api2/roles/%s/add-permissions" % rid, {"permissions": ["collection-read"]}),
             ("POST", "/api2/roles/%s/remove-permissions" % rid, {"permissions": ["media-like"]}),
             ("DELETE", "/api2/roles/" + rid, None),
             ("GET", "/api2/roles/abc", None), ("DELETE", "/api2/roles/abc", None)]
    for method, path, body in calls:
        r = t.anon.request(method, path, json_body=body)
        assert_error(r, 401)
        assert r.header("WWW-Authenticate") == "Bearer", r
        assert_error(t.admin.request(method, path, json_body=body, token="not-a-token"), 401, "Invalid access token.")
        assert_error(user.client.request(method, path, json_body=body), 403, FORBIDDEN)
    # nothing changed
    r = t.admin.get("/api2/roles/" + rid)
    assert r.json()["display_name"] == "Viewer" and r.json()["permissions"] == VIEWER, r
    # any Administrator user may, not only the tenant's first admin
    assert admin2.client.get("/api2/roles/count").json() == {"count": 26}
    # an admin token of another tenant is not valid here
    other = stack.new_tenant()
    assert_error(t.admin.get("/api2/roles", token=other.token), 401)


def test_routing_errors(stack):
    t = stack.new_tenant()
    r = t.admin.put("/api2/roles/1", json_body={})
    assert_error(r, 405)
    assert "POST" in r.header("Allow") and "GET" in r.header("Allow"), r
    assert_error(t.admin.get("/api2/nothing"), 404)
    assert_error(t.admin.post("/api2/roles/1/add-permissions/x", json_body={}), 404)
    # a literal segment names its resource for every method: not a role (or collection) called "count"
    before = t.admin.get("/api2/roles/count").json()
    for path in ("/api2/roles/count", "/api2/collections/tree"):
        for method in ("POST", "PUT", "PATCH", "DELETE"):
            r = t.admin.request(method, path, json_body={"display_name": "x"})
            assert_error(r, 405)
            assert r.header("Allow") == "GET", (method, path, r.header("Allow"))
    assert t.admin.get("/api2/roles/count").json() == before
    # a wrong method is a 405 whatever its body
    for method, path, body in (("PUT", "/api2/collections", b"[1]"), ("DELETE", "/api2/users/4", b"{x"),
                               ("PUT", "/api2/roles/1", b"\xff")):
        r = t.admin.request(method, path, body=body, content_type="application/json")
        assert_error(r, 405)
        assert r.header("Allow"), r
    assert_error(stack.client("no-such-host.test", t.token).get("/api2/roles"), 404)


def test_read_only_mode(stack):
    t = stack.new_tenant()
    role = create(t, "Frozen", ["collection-read"])
    t.sql("UPDATE tenants SET read_only = true WHERE id = %d" % t.id)
    try:
        path = "/api2/roles/" + role["id"]
        for method, p, body in (("POST", "/api2/roles", {"display_name": "New", "permissions": []}),
                                ("POST", path, {"display_name": "Thawed"}),
                                ("POST", path + "/add-permissions", {"permissions": ["media-read"]}),
                                ("POST", path + "/remove-permissions", {"permissions": ["collection-read"]}),
                                # a write that would change nothing is refused too
                                ("POST", path + "/add-permissions", {"permissions": ["collection-read"]}),
                                ("POST", path + "/remove-permissions", {"permissions": ["media-read"]}),
                                ("DELETE", path, None)):
            r = t.admin.request(method, p, json_body=body)
            assert_error(r, 503)
            assert r.header("Retry-After"), r
        assert t.admin.get(path).json()["display_name"] == "Frozen"
        assert t.admin.get("/api2/roles/count").status == 200
    finally:
        t.sql("UPDATE tenants SET read_only = false WHERE id = %d" % t.id)


def test_concurrent_add_and_remove_stay_closed(stack):
    t = stack.new_tenant()
    role = create(t, "Contended", ["collection-read", "media-read"])
    base = "/api2/roles/" + role["id"]
    # writers that each leave a closed set only if they see each other's results in order
    ops = [("add", ["media-play"]), ("remove", ["media-read"]), ("add", ["media-read", "comment-read"]),
           ("add", ["comment-create", "comment-update"]), ("remove", ["collection-read"]),
           ("add", ["collection-read", "media-read", "media-update", "admin-panel-access"]),
           ("add", ["media-delete", "media-like"]), ("remove", ["admin-panel-access"]),
           ("add", ["collection-update", "collection-share", "collection-create", "collection-delete"]),
           ("add", ["collection-move"]), ("remove", ["collection-update"]), ("remove", ["comment-read"])]
    errors = []
    results = []
    lock = threading.Lock()

    def worker(n):
        for i in range(12):
            kind, perms = ops[(n + i) % len(ops)]
            r = t.admin.post("%s/%s-permissions" % (base, kind), json_body={"permissions": perms})
            with lock:
                if r.status != 200:
                    errors.append(r)
                else:
                    results.append(r.json()["permissions"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:3]
    assert len(results) == 144
    assert all(closed(p) for p in results), [p for p in results if not closed(p)][:3]
    final = t.admin.get(base).json()["permissions"]
    assert closed(final), final
    rows = [r[0] for r in t.sql("SELECT permission FROM api2_role_permissions WHERE tenant_id = %d AND role_id = %s"
                                " ORDER BY permission COLLATE \"C\"" % (t.id, role["id"]))[1:]]
    assert rows == final, (rows, final)
    # and concurrent updates (replace) against adds/removes
    errors.clear()
    results.clear()

    def replacer(n):
        for i in range(10):
            if (n + i) % 2:
                r = t.admin.post(base, json_body={"permissions": ALL if i % 3 else ["collection-read"]})
            else:
                kind, perms = ops[(n * 5 + i) % len(ops)]
                r = t.admin.post("%s/%s-permissions" % (base, kind), json_body={"permissions": perms})
            with lock:
                (results if r.status == 200 else errors).append(r.json()["permissions"] if r.status == 200 else r)

    threads = [threading.Thread(target=replacer, args=(n,)) for n in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:3]
    assert all(closed(p) for p in results)
    assert closed(t.admin.get(base).json()["permissions"])


def test_concurrent_creates_with_one_name(stack):
    t = stack.new_tenant()
    out = []
    lock = threading.Lock()

    def worker():
        r = t.admin.post("/api2/roles", json_body={"display_name": "Race", "permissions": ["collection-read"]})
        with lock:
            out.append(r)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(r.status for r in out) == [200] + [422] * 7, out
    for r in out:
        if r.status == 422:
            assert_invalid(r, ("display_name", "has already been taken"))
    assert t.admin.get("/api2/roles/count", params={"display_name": "Race"}).json() == {"count": 1}
