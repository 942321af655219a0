-- api2 permission dependencies (api2-roles.md §2): rd_api2_closure_add / rd_api2_closure_remove on the real
-- catalogue. Expected values come from the spec's table, written out by hand below (transitive), not from the
-- functions under test.
SELECT no_plan();
CREATE TEMP TABLE want_deps (permission text COLLATE "C" PRIMARY KEY, deps text[] NOT NULL);
INSERT INTO want_deps VALUES
    ('admin-panel-access', '{}'),
    ('collection-read', '{}'),
    ('collection-create', '{collection-read}'),
    ('collection-delete', '{collection-read}'),
    ('collection-update', '{collection-read}'),
    ('collection-move', '{collection-create,collection-delete,collection-update,collection-read}'),
    ('collection-share', '{collection-update,collection-read}'),
    ('media-read', '{collection-read}'),
    ('comment-read', '{media-read,collection-read}'),
    ('comment-create', '{comment-read,media-read,collection-read}'),
    ('comment-delete', '{comment-read,media-read,collection-read}'),
    ('comment-update', '{comment-read,media-read,collection-read}'),
    ('media-create', '{media-read,collection-read}'),
    ('media-delete', '{media-update,media-read,admin-panel-access,collection-read}'),
    ('media-download', '{media-read,collection-read}'),
    ('media-like', '{media-read,collection-read}'),
    ('media-play', '{media-read,collection-read}'),
    ('media-publish', '{media-create,media-read,collection-read}'),
    ('media-update', '{media-read,admin-panel-access,collection-read}');

-- sorted, duplicate-free copy of a text array, for comparisons
CREATE FUNCTION pg_temp.s(a text[]) RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT coalesce(array_agg(DISTINCT x COLLATE "C" ORDER BY x COLLATE "C"), '{}') FROM unnest(a) x $$;
-- is a set dependency-closed (by the hand-written table)?
CREATE FUNCTION pg_temp.closed(a text[]) RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT NOT EXISTS (SELECT 1 FROM unnest(a) x JOIN want_deps w ON w.permission = x
                              WHERE NOT w.deps <@ a) $$;

-- The catalogue is the spec's: 19 permissions, the 20 direct edges, and the hand table agrees with the
-- transitive closure of the stored edges.
SELECT is((SELECT count(*) FROM api2_permissions), 19::bigint, 'catalogue has the 19 documented permissions');
SELECT is((SELECT count(*) FROM api2_permission_deps), 20::bigint, 'catalogue has the 20 documented edges');
SELECT is((SELECT count(*) FROM want_deps w JOIN api2_permissions p ON p.name = w.permission), 19::bigint,
          'every documented permission is in the catalogue');
SELECT is(pg_temp.s(ARRAY(SELECT depends_on FROM api2_permission_deps WHERE permission = 'media-update')),
          '{admin-panel-access,media-read}'::text[], 'media-update depends on media-read and admin-panel-access');
SELECT is(pg_temp.s(ARRAY(SELECT depends_on FROM api2_permission_deps WHERE permission = 'collection-move')),
          '{collection-create,collection-delete,collection-update}'::text[],
          'collection-move depends on create, delete and update');

-- Every permission added alone to an empty role: added only when it depends on nothing.
SELECT is(rd_api2_closure_add('{}', ARRAY[w.permission]),
          CASE WHEN cardinality(w.deps) = 0 THEN ARRAY[w.permission::text] ELSE '{}'::text[] END,
          'alone into an empty role: ' || w.permission)
  FROM want_deps w ORDER BY w.permission;

-- Every permission added alone to a role that holds exactly its (transitive) dependencies: added.
SELECT is(rd_api2_closure_add(w.deps, ARRAY[w.permission]), pg_temp.s(w.deps || w.permission::text),
          'alone onto its dependencies: ' || w.permission)
  FROM want_deps w ORDER BY w.permission;

-- Every permission added alone to a role missing one of its dependencies (the rest present): not added.
SELECT is(rd_api2_closure_add(rd_api2_closure_remove(w.deps, ARRAY[d]), ARRAY[w.permission]),
          rd_api2_closure_remove(w.deps, ARRAY[d]),
          'alone, dependency ' || d || ' missing: ' || w.permission || ' not added')
  FROM want_deps w, unnest(w.deps) d ORDER BY w.permission, d;

-- Every permission requested together with all its dependencies, in reverse order, onto an empty role.
SELECT is(rd_api2_closure_add('{}', ARRAY(SELECT x FROM unnest(w.permission || w.deps) WITH ORDINALITY u (x, n)
                                          ORDER BY n DESC)),
          pg_temp.s(w.deps || w.permission::text), 'with its dependencies in one request: ' || w.permission)
  FROM want_deps w ORDER BY w.permission;

-- Every pair (and every permission doubled) onto an empty role: exactly the members whose dependencies are
-- inside the pair.
WITH pairs AS (
    SELECT a.permission AS p, b.permission AS q,
           rd_api2_closure_add('{}', ARRAY[a.permission, b.permission]) AS got,
           pg_temp.s(ARRAY(SELECT x.permission FROM want_deps x
                            WHERE x.permission IN (a.permission, b.permission)
                              AND x.deps <@ ARRAY[a.permission, b.permission]::text[])) AS want
      FROM want_deps a, want_deps b WHERE a.permission <= b.permission
)
SELECT is((SELECT string_agg(p || '+' || q || '=' || got::text, '; ') FROM pairs WHERE got <> want), NULL,
          'all ' || (SELECT count(*) FROM pairs) || ' pairs onto an empty role');

-- Every pair onto a role holding the union of both members' dependencies: both added.
WITH pairs AS (
    SELECT a.permission AS p, b.permission AS q,
           rd_api2_closure_add(pg_temp.s(a.deps || b.deps), ARRAY[a.permission, b.permission]) AS got,
           pg_temp.s(a.deps || b.deps || a.permission::text || b.permission::text) AS want
      FROM want_deps a, want_deps b WHERE a.permission < b.permission
)
SELECT is((SELECT string_agg(p || '+' || q || '=' || got::text, '; ') FROM pairs WHERE got <> want), NULL,
          'all pairs onto their dependencies');

-- A pair where one member is the other's missing dependency: both added in the same request.
SELECT is(rd_api2_closure_add('{collection-read}', '{media-play,media-read}'),
          '{collection-read,media-play,media-read}'::text[], 'a permission with its missing dependency');
SELECT is(rd_api2_closure_add('{}', '{media-play,media-read}'), '{}'::text[],
          'two permissions still missing a transitive dependency are both left out');

-- Results of adding are always closed and always contain the current (closed) set.
SELECT ok(bool_and(pg_temp.closed(rd_api2_closure_add(a.deps, ARRAY[b.permission, c.permission]))
                   AND rd_api2_closure_add(a.deps, ARRAY[b.permission, c.permission]) @> a.deps),
          'adding any pair to any closed set gives a closed superset')
  FROM want_deps a, want_deps b, want_deps c;

-- The documented media-play example.
SELECT is(rd_api2_closure_add('{}', '{media-play}'), '{}'::text[], 'media-play alone is not added');
SELECT is(rd_api2_closure_add('{collection-read}', '{media-play}'), '{collection-read}'::text[],
          'media-play without media-read is not added');
SELECT is(rd_api2_closure_add('{collection-read,media-read}', '{media-play}'),
          '{collection-read,media-play,media-read}'::text[], 'media-play onto media-read + collection-read');
SELECT is(rd_api2_closure_add('{}', '{media-play,collection-read,media-read}'),
          '{collection-read,media-play,media-read}'::text[], 'media-play with its dependencies, any order');
SELECT is(rd_api2_closure_remove('{collection-read,media-play,media-read}', '{media-read}'),
          '{collection-read}'::text[], 'removing media-read removes media-play');

-- Removal of each root (a permission that depends on nothing) from the full set.
SELECT is(rd_api2_closure_remove(ARRAY(SELECT permission FROM want_deps), '{collection-read}'),
          '{admin-panel-access}'::text[], 'removing root collection-read leaves only admin-panel-access');
SELECT is(rd_api2_closure_remove(ARRAY(SELECT permission FROM want_deps), '{admin-panel-access}'),
          pg_temp.s(ARRAY(SELECT permission FROM want_deps
                           WHERE permission NOT IN ('admin-panel-access', 'media-update', 'media-delete'))),
          'removing root admin-panel-access removes media-update and media-delete');
SELECT is(rd_api2_closure_remove(ARRAY(SELECT permission FROM want_deps), ARRAY[w.permission]),
          pg_temp.s(ARRAY(SELECT x.permission FROM want_deps x
                           WHERE x.permission <> w.permission AND NOT w.permission = ANY (x.deps))),
          'root ' || w.permission || ' removed from the full set with everything that reaches it')
  FROM want_deps w WHERE cardinality(w.deps) = 0 ORDER BY w.permission;

-- Removal of every permission from the full set: it and everything whose chain reaches it.
SELECT is(rd_api2_closure_remove(ARRAY(SELECT permission FROM want_deps), ARRAY[w.permission]),
          pg_temp.s(ARRAY(SELECT x.permission FROM want_deps x
                           WHERE x.permission <> w.permission AND NOT w.permission = ANY (x.deps))),
          'remove from the full set: ' || w.permission)
  FROM want_deps w ORDER BY w.permission;
SELECT is(rd_api2_closure_remove('{collection-read,media-read}', '{media-play}'),
          '{collection-read,media-read}'::text[], 'removing a permission the role does not have changes nothing');
SELECT is(rd_api2_closure_remove('{}', '{collection-read}'), '{}'::text[], 'removing from an empty role');
SELECT ok(bool_and(pg_temp.closed(rd_api2_closure_remove(ARRAY(SELECT permission FROM want_deps),
                                                         ARRAY[a.permission, b.permission]))),
          'removing any pair from the full set leaves a closed set')
  FROM want_deps a, want_deps b;

-- Duplicates and unknown names: the result is a sorted set of catalogue names.
SELECT is(rd_api2_closure_add('{}', '{collection-read,collection-read,no-such}'), '{collection-read}'::text[],
          'duplicates collapse and unknown names never enter a set');

-- The stored transitive dependencies the closures read (api2_permissions.requires, 0029) are the hand table's
-- after migration, and follow every change of the edges (statement triggers).
CREATE FUNCTION pg_temp.requires_differ() RETURNS text LANGUAGE sql STABLE AS $$
    WITH RECURSIVE needs (permission, dep) AS (
        SELECT d.permission, d.depends_on FROM api2_permission_deps d
        UNION
        SELECT n.permission, d.depends_on FROM needs n JOIN api2_permission_deps d ON d.permission = n.dep
    )
    SELECT string_agg(p.name || '=' || p.requires::text, '; ')
      FROM api2_permissions p
     WHERE p.requires IS DISTINCT FROM pg_temp.s(ARRAY(SELECT n.dep FROM needs n WHERE n.permission = p.name))
    $$;
SELECT is((SELECT string_agg(w.permission || '=' || p.requires::text, '; ')
             FROM want_deps w JOIN api2_permissions p ON p.name = w.permission
            WHERE p.requires IS DISTINCT FROM pg_temp.s(w.deps)), NULL,
          'each permission stores its transitive dependencies, sorted');
INSERT INTO api2_permissions (name, description) VALUES ('media-embed', 'test');
INSERT INTO api2_permission_deps VALUES ('media-embed', 'media-play'), ('media-embed', 'comment-read');
SELECT is(pg_temp.requires_differ(), NULL, 'an added permission with two edges');
SELECT is((SELECT requires FROM api2_permissions WHERE name = 'media-embed'),
          '{collection-read,comment-read,media-play,media-read}'::text[], 'and its dependencies reach through theirs');
SELECT is(rd_api2_closure_add('{collection-read,media-read,media-play}', '{media-embed}'),
          '{collection-read,media-play,media-read}'::text[], 'the closure reads it: comment-read is missing');
UPDATE api2_permission_deps SET depends_on = 'media-read' WHERE permission = 'media-embed' AND depends_on = 'comment-read';
SELECT is(pg_temp.requires_differ(), NULL, 'an edge changed');
SELECT is(rd_api2_closure_add('{collection-read,media-read,media-play}', '{media-embed}'),
          '{collection-read,media-embed,media-play,media-read}'::text[], 'and the closure follows');
DELETE FROM api2_permission_deps WHERE depends_on = 'collection-read';
SELECT is(pg_temp.requires_differ(), NULL, 'edges deleted');
SELECT is((SELECT requires FROM api2_permissions WHERE name = 'comment-create'), '{comment-read,media-read}'::text[],
          'and nothing reaches collection-read any more');
INSERT INTO api2_permission_deps (permission, depends_on)
SELECT w.permission, 'collection-read' FROM want_deps w
 WHERE w.permission IN ('collection-create', 'collection-delete', 'collection-update', 'media-read');
DELETE FROM api2_permission_deps WHERE permission = 'media-embed';
DELETE FROM api2_permissions WHERE name = 'media-embed';
SELECT is(pg_temp.requires_differ(), NULL, 'edges restored');
SELECT is((SELECT string_agg(w.permission, ', ') FROM want_deps w JOIN api2_permissions p ON p.name = w.permission
            WHERE p.requires IS DISTINCT FROM pg_temp.s(w.deps)), NULL, 'and equal to the hand table again');

-- A cycle in corrupt catalogue data does not make the walk loop. The corrupt row is deleted afterwards
-- rather than rolled back: pgTAP counts in a temp table, and a ROLLBACK would undo that count as well.
INSERT INTO api2_permission_deps VALUES ('collection-read', 'media-read');
SELECT is(rd_api2_closure_add('{}', '{collection-read,media-read}'), '{collection-read,media-read}'::text[],
          'adding terminates on a dependency cycle');
SELECT is(rd_api2_closure_remove('{collection-read,media-read,media-play}', '{media-play}'),
          '{collection-read,media-read}'::text[], 'removing terminates on a dependency cycle');
SELECT is(rd_api2_closure_remove('{collection-read,media-read,media-play}', '{media-read}'), '{}'::text[],
          'removing one member of a cycle removes the whole cycle');
SELECT is(pg_temp.requires_differ(), NULL, 'stored dependencies on a cycle');
DELETE FROM api2_permission_deps WHERE permission = 'collection-read' AND depends_on = 'media-read';
SELECT is(pg_temp.requires_differ(), NULL, 'and after it is removed');

SELECT * FROM finish();
