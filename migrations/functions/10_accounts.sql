-- Accounts: resolution of account ids, the chain to the root, the sub-account tree, bookmarks, and the Accounts API.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- ---------------------------------------------------------------------------------------------------------
-- The account chain
-- ---------------------------------------------------------------------------------------------------------

-- The chain by walking parent links: [p_account, parent, ..., root], ending at the first repeated account
-- (a cycle in corrupt data) or after 10000 levels. What the stored accounts.chain must always equal; used by
-- the triggers below when a move creates a cycle, and by the SQL tests to check the stored chains.
CREATE OR REPLACE FUNCTION rd_account_chain_walk(p_tenant bigint, p_account bigint) RETURNS bigint[]
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE walk (parent, chain) AS (
        SELECT a.parent_account_id, ARRAY[a.id] FROM accounts a WHERE a.tenant_id = p_tenant AND a.id = p_account
        UNION ALL
        SELECT n.parent_account_id, w.chain || n.id
          FROM walk w
         CROSS JOIN LATERAL (SELECT a.id, a.parent_account_id FROM accounts a
                              WHERE a.tenant_id = p_tenant AND a.id = w.parent LIMIT 1) n
         WHERE w.parent IS NOT NULL AND NOT (w.parent = ANY (w.chain)) AND cardinality(w.chain) < 10000
    )
    SELECT w.chain FROM walk w ORDER BY cardinality(w.chain) DESC LIMIT 1
    $$;

-- BEFORE INSERT OR UPDATE OF parent_account_id: the row's chain is itself followed by its parent's chain,
-- cut before the row itself if the parent's chain contains it (a move under a descendant: a cycle).
CREATE OR REPLACE FUNCTION rd_accounts_chain_set() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    pc bigint[];
    k int;
BEGIN
    IF NEW.parent_account_id IS NOT NULL THEN
        SELECT a.chain INTO pc FROM accounts a WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.parent_account_id;
    END IF;
    k := array_position(pc, NEW.id);
    NEW.chain := ARRAY[NEW.id] || CASE WHEN k IS NULL THEN coalesce(pc, '{}') ELSE pc[1:k - 1] END;
    RETURN NEW;
END $$;

-- AFTER UPDATE OF parent_account_id: every descendant's chain gets the moved account's new chain as its
-- tail (one UPDATE over the tenant's accounts whose chain contains it). If the move made a cycle, the
-- descendants' chains are walked again instead, each ending at its own first repeat.
CREATE OR REPLACE FUNCTION rd_accounts_chain_moved() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.chain[cardinality(NEW.chain)] = NEW.id OR NOT EXISTS (
           SELECT 1 FROM accounts r WHERE r.tenant_id = NEW.tenant_id AND r.id = NEW.chain[cardinality(NEW.chain)]
              AND r.parent_account_id IS NOT NULL) THEN
        UPDATE accounts d SET chain = d.chain[1:array_position(d.chain, NEW.id) - 1] || NEW.chain
         WHERE d.tenant_id = NEW.tenant_id AND d.chain @> ARRAY[NEW.id] AND d.id <> NEW.id;
    ELSE
        UPDATE accounts d SET chain = rd_account_chain_walk(d.tenant_id, d.id)
         WHERE d.tenant_id = NEW.tenant_id AND d.chain @> ARRAY[NEW.id] AND d.id <> NEW.id;
    END IF;
    RETURN NULL;
END $$;

-- (EXECUTE PROCEDURE is the same as EXECUTE FUNCTION: the function's name then appears once after FUNCTION.)
CREATE OR REPLACE TRIGGER accounts_chain_set BEFORE INSERT OR UPDATE OF parent_account_id ON accounts
    FOR EACH ROW EXECUTE PROCEDURE rd_accounts_chain_set();
CREATE OR REPLACE TRIGGER accounts_chain_moved AFTER UPDATE OF parent_account_id ON accounts
    FOR EACH ROW WHEN (OLD.parent_account_id IS DISTINCT FROM NEW.parent_account_id)
    EXECUTE PROCEDURE rd_accounts_chain_moved();

-- The chain of an account as (account_id, depth) rows, depth 0 = the account itself. One lookup of the
-- stored chain; inlinable.
CREATE OR REPLACE FUNCTION rd_account_chain(p_account bigint) RETURNS TABLE (account_id bigint, depth int)
    LANGUAGE sql STABLE
    AS $$
    SELECT u.id, (u.n - 1)::int
      FROM accounts a CROSS JOIN LATERAL unnest(a.chain) WITH ORDINALITY u(id, n)
     WHERE a.tenant_id = rd_tenant() AND a.id = p_account
    $$;

-- Resolves a Canvas :account_id (canvas-conventions.md "Ids in URLs"): numeric id, self (the tenant's root),
-- sis_account_id:<v>, hex:sis_account_id:<hex>; surrounding whitespace is stripped. Only active accounts of
-- the current tenant (RLS) are found. Anything else raises RD404.
CREATE OR REPLACE FUNCTION rd_account_resolve(p_ref text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    ref text := btrim(p_ref, E' \t\r\n');
    sis text;
    found_id bigint;
BEGIN
    IF ref = 'self' THEN
        SELECT t.root_account_id INTO found_id FROM tenants t WHERE t.id = rd_tenant();
    ELSIF ref ~ '^[0-9]{1,19}$' THEN
        IF ref::numeric <= 9223372036854775807 THEN
            SELECT a.id INTO found_id FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.id = ref::bigint AND a.workflow_state = 'active';
        END IF;
        RETURN CASE WHEN found_id IS NULL THEN rd_not_found() ELSE found_id END;
    ELSE
        IF ref LIKE 'sis_account_id:%' THEN
            sis := substr(ref, 16);
        ELSIF ref LIKE 'hex:sis_account_id:%' AND substr(ref, 20) ~ '^([0-9a-fA-F]{2})+$' THEN
            BEGIN
                sis := convert_from(decode(substr(ref, 20), 'hex'), 'UTF8');
            EXCEPTION WHEN OTHERS THEN
                sis := NULL;
            END;
        END IF;
        IF sis IS NOT NULL AND sis <> '' THEN
            SELECT a.id INTO found_id FROM accounts a
             WHERE a.tenant_id = rd_tenant() AND a.sis_account_id = sis AND a.workflow_state = 'active';
        END IF;
    END IF;
    IF found_id IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN found_id;
END $$;

-- 0005_accounts_users_admins: Canvas accounts and sub-accounts, users, access tokens, account admins,
-- effective permissions of a user (canvas-roles.md §3.3), permission checks and `explain`.
--
-- Every endpoint is ONE function call (one statement after rd_ctx, one round trip, one transaction). Each
-- function resolves its URL ids first (RD404), then checks the caller (RDU01 anonymous, RD403 with DETAIL
-- {"permission":..,"account_id":..} for a missing permission — the permission the route table declares is
-- passed in as p_perm), then validates (RD422 with the Canvas error body as DETAIL, nothing written), then
-- works. Lists return (account_id, body, next_page): the resolved account id for Link URLs, the JSON array,
-- and the opaque keyset bookmark of the next page (NULL on the last page).

-- ---------------------------------------------------------------------------------------------------------
-- Errors and small helpers
-- ---------------------------------------------------------------------------------------------------------

-- Canvas model-error body {"errors":{attr:[{attribute,type,message}]}} (canvas-roles.md §2.10), raised as
-- RD422 (Canvas 400). p_scope nests it one level deeper ({"errors":{"pseudonym":{attr:[..]}}}) as Canvas'
-- user creation does.
CREATE OR REPLACE FUNCTION rd_acct_invalid(p_attr text, p_type text, p_message text, p_scope text DEFAULT NULL)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    errs json := json_build_object(p_attr, json_build_array(
                     json_build_object('attribute', p_attr, 'type', p_type, 'message', p_message)));
BEGIN
    IF p_scope = 'user' THEN
        errs := json_build_object('user', errs, 'pseudonym', '{}'::json);
    ELSIF p_scope = 'pseudonym' THEN
        errs := json_build_object('user', '{}'::json, 'pseudonym', errs);
    END IF;
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'RD422',
        DETAIL = json_build_object('errors', errs)::text;
END $$;

-- Serialises changes to the shape of one tenant's account tree (create, move, delete), so two concurrent
-- moves cannot build a cycle and a sub-account cannot be created under an account being deleted.
CREATE OR REPLACE FUNCTION rd_acct_tree_lock() RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_advisory_xact_lock(hashtextextended('rolesd.account_tree', rd_tenant())) $$;

-- Rows before page number p of p_limit rows (0 for page 1); NULL when p is no page number. Far pages are capped
-- (a page past the end is [] either way).
CREATE OR REPLACE FUNCTION rd_page_offset(p text, p_limit int) RETURNS bigint
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE WHEN p ~ '^[0-9]{1,30}$' AND p::numeric >= 1
                THEN least((p::numeric - 1) * greatest(1, least(coalesce(p_limit, 10), 100)), 1e15)::bigint END
    $$;

-- Opaque keyset bookmarks for `page`: base64url of a small JSON array. A page number (1, 2, ...) is no
-- bookmark (NULL): the list starts from the top and skips rd_page_offset rows, so a client that counts pages,
-- as Canvas' numbered lists allow, gets page N (past the end: []); the Link it gets back holds bookmarks.
-- Decoding anything else (0, -1, text) is RDP04 (Canvas' 404 for a bad page), never an internal error.
CREATE OR REPLACE FUNCTION rd_bookmark_encode(p jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT 'bk' || translate(rtrim(replace(encode(convert_to(p::text, 'UTF8'), 'base64'), E'\n', ''), '='),
                                   '+/', '-_') $$;

CREATE OR REPLACE FUNCTION rd_bookmark_decode(p text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE
    AS $$
DECLARE
    b text;
    j jsonb;
BEGIN
    IF p IS NULL OR rd_page_offset(p, 1) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF p !~ '^bk[A-Za-z0-9_-]+$' OR length(p) > 400 THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    b := translate(substr(p, 3), '-_', '+/');
    b := b || repeat('=', (4 - length(b) % 4) % 4);
    BEGIN
        j := convert_from(decode(b, 'base64'), 'UTF8')::jsonb;
    EXCEPTION WHEN OTHERS THEN
        j := NULL;
    END;
    IF jsonb_typeof(j) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    RETURN j;
END $$;

-- The bigint at position i of a decoded bookmark, or RDP04.
CREATE OR REPLACE FUNCTION rd_bookmark_int(p jsonb, i int) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(p -> i) IS DISTINCT FROM 'number' OR (p ->> i) !~ '^[0-9]{1,18}$' THEN
        RAISE EXCEPTION 'page not found' USING ERRCODE = 'RDP04';
    END IF;
    RETURN (p ->> i)::bigint;
END $$;

CREATE OR REPLACE FUNCTION rd_account_in_chain(p_ancestor bigint, p_account bigint) RETURNS boolean
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM rd_account_chain(p_account) c WHERE c.account_id = p_ancestor);
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Accounts
-- ---------------------------------------------------------------------------------------------------------

-- The Account of the Accounts API: the role JSON's account (rd_canvas_account_json, Canvas' account_json),
-- with "sis_account_id" on the root too, null there (it cannot have one): canvas-conventions.md lists
-- sis_account_id in every Account, where Canvas leaves the key out for a root account.
-- (plpgsql: its body names functions of 30_canvas_resolution.sql, applied after this file.)
CREATE OR REPLACE FUNCTION rd_accounts_json(a accounts) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF a.parent_account_id IS NULL THEN
        RETURN rd_canvas_json_extend(rd_canvas_account_json(a), '"sis_account_id":null');
    END IF;
    RETURN rd_canvas_account_json(a);
END $$;

-- GET /api/v1/accounts/:id
CREATE OR REPLACE FUNCTION rd_accounts_show(p_ref text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    RETURN (SELECT rd_accounts_json(a) FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = acct);
END $$;

-- Shared validation of account[name] / account[sis_account_id] for create and update. p_self: the account
-- being updated (NULL on create). Raises RD422 with the Canvas body; returns nothing.
CREATE OR REPLACE FUNCTION rd_accounts_validate(p_self bigint, p_name text, p_sis text) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_name IS NOT NULL THEN
        IF rd_canvas_blank(p_name) THEN -- tabs and newlines too, as Rails' blank?
            PERFORM rd_acct_invalid('name', 'blank', 'can''t be blank');
        ELSIF length(p_name) > 255 THEN
            PERFORM rd_acct_invalid('name', 'too_long', 'is too long (maximum is 255 characters)');
        END IF;
    END IF;
    IF p_sis IS NOT NULL AND p_sis <> '' THEN
        IF length(p_sis) > 255 THEN
            PERFORM rd_acct_invalid('sis_account_id', 'too_long', 'is too long (maximum is 255 characters)');
        END IF;
        IF EXISTS (SELECT 1 FROM accounts a
                    WHERE a.tenant_id = rd_tenant() AND a.sis_account_id = p_sis
                      AND a.workflow_state <> 'deleted' AND a.id IS DISTINCT FROM p_self) THEN
            PERFORM rd_acct_sis_taken(p_sis);
        END IF;
    END IF;
END $$;

-- The 400 of an account SIS id already in use: found by rd_accounts_validate, or (a concurrent write took it
-- between that look and the write) by the unique index accounts_sis, which was a 409 with PostgreSQL's message.
CREATE OR REPLACE FUNCTION rd_acct_sis_taken(p_sis text) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rd_acct_invalid('sis_account_id', 'taken', format('SIS ID "%s" is already in use', p_sis));
END $$;

-- PUT /api/v1/accounts/:id with account[name], account[sis_account_id] ('' clears it) and
-- account[parent_account_id] (moves a sub-account; never under itself or a descendant). NULL = unchanged.
-- Needs p_perm on the account and, for a move, on the new parent too; and a move may not give anyone, the
-- caller included, a permission on the moved subtree that the caller did not hold there before it
-- (rd_move_snapshot / rd_move_gain, 60_admins.sql): 403 naming the first such permission and account.
CREATE OR REPLACE FUNCTION rd_accounts_update(p_ref text, p_perm text, p_name text, p_sis text, p_parent text,
                                              p_settings json DEFAULT NULL)
    RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    cur accounts;
    new_parent bigint;
    body text;
    warnings text;
    move_before jsonb;
    gain_perm text;
    gain_acct bigint;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_canvas_writable();
    IF p_parent IS NOT NULL THEN
        PERFORM rd_acct_tree_lock();
    END IF;
    -- FOR NO KEY UPDATE (the UPDATE's own lock), not FOR UPDATE: an override write holds the stored-states
    -- lock when its role_states rows take their foreign-key (key share) lock on this row, and a move waits
    -- for that lock in its trigger (test_move_lock_order.py)
    SELECT * INTO cur FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = acct FOR NO KEY UPDATE;
    IF cur.workflow_state <> 'active' THEN
        PERFORM rd_not_found();
    END IF;
    PERFORM rd_accounts_validate(acct, p_name, p_sis);
    IF p_sis IS NOT NULL AND p_sis <> '' AND cur.parent_account_id IS NULL THEN
        PERFORM rd_acct_invalid('sis_account_id', 'invalid', 'cannot be set on a root account');
    END IF;
    IF p_parent IS NOT NULL THEN
        IF cur.parent_account_id IS NULL THEN
            PERFORM rd_acct_invalid('parent_account_id', 'invalid', 'a root account cannot be moved');
        END IF;
        new_parent := rd_account_resolve(p_parent);
        IF rd_account_in_chain(acct, new_parent) THEN
            PERFORM rd_acct_invalid('parent_account_id', 'invalid',
                                    'cannot move an account under itself or one of its sub-accounts');
        END IF;
        PERFORM rd_require_permission(new_parent, p_perm);
        IF new_parent IS DISTINCT FROM cur.parent_account_id THEN
            -- what the move may hand out (the superset rule, 60_admins.sql): taken before it, checked after
            move_before := rd_move_snapshot(acct, new_parent);
        END IF;
    END IF;
    BEGIN
        UPDATE accounts a
           SET name = coalesce(p_name, a.name),
               sis_account_id = CASE WHEN p_sis IS NULL THEN a.sis_account_id ELSE nullif(p_sis, '') END,
               parent_account_id = coalesce(new_parent, a.parent_account_id),
               updated_at = now()
         WHERE a.tenant_id = rd_tenant() AND a.id = acct
        RETURNING rd_accounts_json(a) INTO body;
    EXCEPTION WHEN unique_violation THEN
        -- the SIS id was taken by a concurrent write after rd_accounts_validate looked
        PERFORM rd_acct_sis_taken(p_sis);
    END;
    IF move_before IS NOT NULL THEN
        SELECT g.permission, g.account_id INTO gain_perm, gain_acct FROM rd_move_gain(move_before) g;
        IF gain_perm IS NOT NULL THEN
            PERFORM rd_forbidden(gain_perm, gain_acct);
        END IF;
    END IF;
    -- account[settings][...]: the permission conditions kept as account settings (25_conditions.sql)
    warnings := rd_account_settings_apply(acct, p_settings);
    IF p_settings IS NOT NULL AND cur.parent_account_id IS NULL THEN
        body := rd_canvas_json_extend(body, '"settings":' || rd_account_settings_json(acct)::text);
    END IF;
    RETURN rd_canvas_json_extend(body, CASE WHEN warnings IS NOT NULL THEN '"warnings":' || warnings END);
END $$;

-- The active sub-accounts of p_account (the whole subtree with p_recursive), by id.
CREATE OR REPLACE FUNCTION rd_account_subtree(p_account bigint, p_recursive boolean)
    RETURNS TABLE (account_id bigint)
    LANGUAGE sql STABLE
    AS $$
    WITH RECURSIVE sub (id, depth) AS (
        SELECT a.id, 1 FROM accounts a
         WHERE a.tenant_id = rd_tenant() AND a.parent_account_id = p_account AND a.workflow_state = 'active'
        UNION ALL
        SELECT a.id, s.depth + 1 FROM accounts a JOIN sub s ON a.parent_account_id = s.id
         WHERE p_recursive AND a.tenant_id = rd_tenant() AND a.workflow_state = 'active' AND s.depth < 10000
    ) CYCLE id SET is_cycle USING path
    SELECT id FROM sub WHERE NOT is_cycle
    $$;

-- GET /api/v1/accounts/:account_id/sub_accounts[?recursive=true], keyset-paginated by id.
CREATE OR REPLACE FUNCTION rd_accounts_sub_list(p_ref text, p_perm text, p_recursive boolean, p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    after_id bigint;
    n int := greatest(1, least(coalesce(p_limit, 10), 100));
    ids bigint[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    -- a bad page is a 404 after authorisation, as in Canvas (Api.paginate runs in the action)
    after_id := rd_bookmark_int(rd_bookmark_decode(p_page), 0);
    IF p_recursive THEN
        SELECT array_agg(s.account_id ORDER BY s.account_id) INTO ids
          FROM (SELECT t.account_id FROM rd_account_subtree(acct, true) t
                 WHERE t.account_id > coalesce(after_id, 0) ORDER BY t.account_id
                 LIMIT n + 1 OFFSET coalesce(rd_page_offset(p_page, n), 0)) s;
    ELSE
        SELECT array_agg(a.id ORDER BY a.id) INTO ids
          FROM (SELECT a2.id FROM accounts a2
                 WHERE a2.tenant_id = rd_tenant() AND a2.parent_account_id = acct
                   AND a2.workflow_state = 'active' AND a2.id > coalesce(after_id, 0)
                 ORDER BY a2.id LIMIT n + 1 OFFSET coalesce(rd_page_offset(p_page, n), 0)) a;
    END IF;
    account_id := acct;
    next_page := CASE WHEN coalesce(array_length(ids, 1), 0) > n THEN rd_bookmark_encode(jsonb_build_array(ids[n])) END;
    SELECT coalesce(json_agg(rd_accounts_json(a)::json ORDER BY a.id), '[]')::text INTO body
      FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = ANY (ids[1:n]);
    RETURN NEXT;
END $$;

-- POST /api/v1/accounts/:account_id/sub_accounts with account[name] (required), account[sis_account_id].
CREATE OR REPLACE FUNCTION rd_accounts_sub_create(p_ref text, p_perm text, p_name text, p_sis text,
                                                  p_parent text DEFAULT NULL) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    parent accounts;
    body text;
BEGIN
    -- Canvas' SubAccountsController#create: account[parent_account_id] names the parent, the URL account or
    -- one below it (subaccount_or_self: 404 otherwise), and the permission is checked there
    IF nullif(p_parent, '') IS NOT NULL THEN
        parent.id := rd_account_resolve(p_parent);
        IF parent.id <> acct AND NOT rd_account_in_chain(acct, parent.id) THEN
            PERFORM rd_not_found();
        END IF;
        acct := parent.id;
    END IF;
    PERFORM rd_require_permission(acct, p_perm);
    PERFORM rd_canvas_writable();
    PERFORM rd_acct_tree_lock();
    SELECT * INTO parent FROM accounts a
     WHERE a.tenant_id = rd_tenant() AND a.id = acct AND a.workflow_state = 'active';
    IF NOT FOUND THEN
        PERFORM rd_not_found();
    END IF;
    PERFORM rd_accounts_validate(NULL, coalesce(p_name, ''), p_sis);
    BEGIN
        INSERT INTO accounts AS a (tenant_id, parent_account_id, root_account_id, name, sis_account_id)
        VALUES (rd_tenant(), acct, coalesce(parent.root_account_id, parent.id), p_name, nullif(p_sis, ''))
        RETURNING rd_accounts_json(a) INTO body;
    EXCEPTION WHEN unique_violation THEN
        -- taken by a concurrent account update (which does not take the tree lock)
        PERFORM rd_acct_sis_taken(p_sis);
    END;
    RETURN body;
END $$;

-- DELETE /api/v1/accounts/:account_id/sub_accounts/:id: :id must be in the subtree below :account_id (404
-- otherwise); 409 while it has active sub-accounts. Soft delete; its admin memberships end with it.
CREATE OR REPLACE FUNCTION rd_accounts_sub_delete(p_ref text, p_perm text, p_id text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    sub bigint;
    body text;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    sub := rd_account_resolve(p_id);
    IF sub = acct OR NOT rd_account_in_chain(acct, sub) THEN
        PERFORM rd_not_found();
    END IF;
    PERFORM rd_canvas_writable();
    PERFORM rd_acct_tree_lock();
    IF EXISTS (SELECT 1 FROM accounts a
                WHERE a.tenant_id = rd_tenant() AND a.parent_account_id = sub AND a.workflow_state = 'active') THEN
        RAISE EXCEPTION 'You can''t delete a sub-account that has sub-accounts in it.' USING ERRCODE = 'RD409';
    END IF;
    -- the row first (FOR NO KEY UPDATE, the UPDATE's own lock): an admin added concurrently holds it FOR SHARE
    -- (rd_admins_create), so its membership has committed before the memberships are ended below, or it
    -- waits and then finds the account deleted
    PERFORM 1 FROM accounts a WHERE a.tenant_id = rd_tenant() AND a.id = sub FOR NO KEY UPDATE;
    UPDATE account_users au SET workflow_state = 'deleted', updated_at = now()
     WHERE au.tenant_id = rd_tenant() AND au.account_id = sub AND au.workflow_state = 'active';
    UPDATE accounts a SET workflow_state = 'deleted', updated_at = now()
     WHERE a.tenant_id = rd_tenant() AND a.id = sub AND a.workflow_state = 'active'
    RETURNING rd_accounts_json(a) INTO body;
    IF body IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    RETURN body;
END $$;
