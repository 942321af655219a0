"""The README walkthrough (issue 16), run as it is written: the shell block of "Walkthrough", each line's
output checked. It runs against a fresh tenant rather than the demo tenant of `make run`, so that it can run
again on the same stack: its token stands in the tenant.json the block reads, and curl's own configuration
file (CURL_HOME/.curlrc) sends that tenant's Host header. Nothing in the block is changed."""
import json
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def walkthrough_block():
    text = open(os.path.join(ROOT, "README.md")).read()
    section = text[text.index("## Walkthrough"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_readme_walkthrough(stack):
    block = walkthrough_block()
    assert "<" not in block.replace("<<", ""), "no placeholders"
    # `. var/env` is the environment the suite already runs in
    script = "set -e\n" + block.replace(". var/env\n", "")
    # mark each command's output so that it can be checked
    lines, in_curl = [], False
    for line in script.splitlines():
        lines.append(line)
        in_curl = in_curl or line.startswith("curl ")
        if in_curl and not line.endswith("\\"):
            lines.append("echo; echo '@@@'")
            in_curl = False
    t = stack.new_tenant()
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "tenant.json"), "w") as f:
            json.dump({"token": t.token}, f)
        with open(os.path.join(d, ".curlrc"), "w") as f:
            f.write('header = "Host: %s"\n' % t.host)
        env = dict(os.environ, ROLESD_STACK_DIR=d, CURL_HOME=d)
        p = subprocess.run(["bash", "-c", "\n".join(lines)], capture_output=True, text=True, env=env,
                           cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    outs = [o.strip() for o in p.stdout.split("@@@")][:-1]
    created_user, role, admin, forbidden, explain, fixed, listed, audit = [json.loads(o) for o in outs]
    assert admin["role"] == "Integration", admin
    assert forbidden["errors"][0]["permission"] == "read_roster", forbidden
    assert explain["granted"] is False, explain
    [o] = [x for x in explain["would_grant"]["proposals"] if x["kind"] == "override"]
    req = o["requests"][-1]
    assert req["method"] == "PUT" and req["path"].endswith("/roles/%d" % o["role_id"]), o
    assert sorted(req["params"]) == sorted(["permissions[read_roster][explicit]", "permissions[read_roster][enabled]",
                                            "permissions[read_roster][applies_to_self]",
                                            "permissions[read_roster][applies_to_descendants]"]), req
    assert fixed["permissions"]["read_roster"]["enabled"] is True, fixed
    assert isinstance(listed, list) and any(u.get("sis_user_id") == "roster-sync" or u.get("name") == "Roster Sync"
                                            for u in listed), listed
    ev = [e for e in audit if e["entity"] == "role_override" and (e["after"] or {}).get("permission") == "read_roster"]
    assert ev, audit
    assert ev[0]["user_id"] == t.admin_user_id and ev[0]["token_id"] and ev[0]["request_id"], ev[0]
    assert ev[0]["after"]["enabled"] is True, ev[0]
