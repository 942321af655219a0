-- Stored override states (role_states, migration 0025): what Role JSON reads instead of aggregating the
-- chain's overrides per request, and the triggers that keep it equal to rd_canvas_role_pairs.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations"), and this file then rebuilds every stored state
-- (last statement), since the functions that compute them may have changed.
--
-- Only anchors are stored (an account holding an override of the role): a write recomputes the anchors of
-- its role in the written account's subtree, a move the anchors it moved; a new account has no override
-- and stores nothing. Every change takes the tenant's lock first, then computes from a fresh snapshot (each
-- statement of a plpgsql function takes its own under READ COMMITTED), so of two concurrent writers the
-- second recomputes after the first has committed and sees both changes.

-- Serialises the maintenance of one tenant's stored states.
CREATE OR REPLACE FUNCTION rd_role_states_lock(p_tenant bigint) RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_advisory_xact_lock(hashtextextended('rolesd.role_states', p_tenant)) $$;

-- The states of p_role at p_chain[1], read from the nearest anchor on the chain (NULL: no override).
CREATE OR REPLACE FUNCTION rd_role_states_at(p_chain bigint[], p_role bigint) RETURNS TABLE (pairs text)
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN s.account_id = p_chain[1] THEN s.at_pairs ELSE s.below_pairs END
      FROM role_states s
     WHERE s.tenant_id = rd_tenant() AND s.role_id = p_role AND s.account_id = ANY (p_chain)
     ORDER BY array_position(p_chain, s.account_id)
     LIMIT 1
    $$;

-- Stores the states of p_role at each of p_accounts that holds an override of the role (an anchor); the
-- others are left alone. A row that exists is updated in place, and only when its states change: an update
-- that keeps the keys makes no foreign-key checks (a delete and insert made three, each a query) and creates
-- no index entry.
CREATE OR REPLACE FUNCTION rd_role_states_store(p_tenant bigint, p_role bigint, p_accounts bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO role_states AS s (tenant_id, role_id, account_id, at_pairs, below_pairs)
    SELECT p_tenant, p_role, a.id, coalesce(h.at_pairs, ''), coalesce(h.below_pairs, '')
      FROM roles r
      JOIN accounts a ON a.tenant_id = r.tenant_id AND a.id = ANY (p_accounts)
      LEFT JOIN LATERAL rd_canvas_role_anchor_pairs(a.chain, r.id, r.base_role_type) h ON true
     WHERE r.tenant_id = p_tenant AND r.id = p_role
       AND EXISTS (SELECT 1 FROM role_overrides x
                    WHERE x.tenant_id = p_tenant AND x.account_id = a.id AND x.role_id = p_role)
    ON CONFLICT (tenant_id, role_id, account_id) DO UPDATE
       SET at_pairs = excluded.at_pairs, below_pairs = excluded.below_pairs
     WHERE (s.at_pairs, s.below_pairs) IS DISTINCT FROM (excluded.at_pairs, excluded.below_pairs);
END $$;

-- p_account and every account below it that holds an override of p_role: the anchors whose states an
-- override written or removed at p_account changes.
CREATE OR REPLACE FUNCTION rd_role_states_subtree(p_tenant bigint, p_role bigint, p_account bigint) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    -- plpgsql, so that the query keeps its plan (a SQL function around it was planned on every call:
    -- 700 k instructions more a write)
    RETURN p_account || ARRAY(SELECT DISTINCT o.account_id
                                FROM role_overrides o
                                JOIN accounts d ON d.tenant_id = o.tenant_id AND d.id = o.account_id
                               WHERE o.tenant_id = p_tenant AND o.role_id = p_role AND d.chain @> ARRAY[p_account]);
END $$;

-- An override written or removed at account A changes its role's states at the anchors in A's subtree. A
-- removed one may end A's anchoring (its row is deleted when no override of the role is left there), and the
-- anchors below are stored again (rd_role_states_store). A written one leaves A an anchor: A and the anchors
-- below it are stored again by one statement here, the subtree's query made only when A has a child account.
-- The tenant's lock is a plpgsql simple expression rather than a query. Callgrind, a PUT that switches one
-- override at a leaf: 4.11 M -> 3.80 M instructions (the lock, the subtree and the store had been three
-- statements in three function calls, and the subtree's query read every override of the role at a leaf).
CREATE OR REPLACE FUNCTION rd_role_states_overrides() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    done boolean;
BEGIN
    IF TG_OP = 'DELETE'
       OR (TG_OP = 'UPDATE' AND (OLD.account_id, OLD.role_id) IS DISTINCT FROM (NEW.account_id, NEW.role_id)) THEN
        PERFORM rd_role_states_lock(OLD.tenant_id);
        DELETE FROM role_states s
         WHERE s.tenant_id = OLD.tenant_id AND s.role_id = OLD.role_id AND s.account_id = OLD.account_id
           AND NOT EXISTS (SELECT 1 FROM role_overrides x
                            WHERE x.tenant_id = OLD.tenant_id AND x.account_id = OLD.account_id
                              AND x.role_id = OLD.role_id);
        PERFORM rd_role_states_store(OLD.tenant_id, OLD.role_id,
                                     rd_role_states_subtree(OLD.tenant_id, OLD.role_id, OLD.account_id));
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
    END IF;
    -- rd_role_states_lock's lock (the same key), taken before the statement below takes its snapshot
    done := pg_advisory_xact_lock(hashtextextended('rolesd.role_states', NEW.tenant_id)) IS NULL;
    -- rd_role_states_store for NEW.account_id and rd_role_states_subtree's accounts: each holds an override of
    -- the role, so the store's test for one is not made
    INSERT INTO role_states AS s (tenant_id, role_id, account_id, at_pairs, below_pairs)
    SELECT NEW.tenant_id, NEW.role_id, a.id, coalesce(h.at_pairs, ''), coalesce(h.below_pairs, '')
      FROM roles r
      JOIN accounts a
        ON a.tenant_id = r.tenant_id
       AND a.id = ANY (NEW.account_id
                       || CASE WHEN EXISTS (SELECT 1 FROM accounts c
                                             WHERE c.tenant_id = NEW.tenant_id AND c.parent_account_id = NEW.account_id)
                               THEN ARRAY(SELECT DISTINCT o.account_id
                                            FROM role_overrides o
                                            JOIN accounts d ON d.tenant_id = o.tenant_id AND d.id = o.account_id
                                           WHERE o.tenant_id = NEW.tenant_id AND o.role_id = NEW.role_id
                                             AND d.chain @> ARRAY[NEW.account_id])
                          END)
      LEFT JOIN LATERAL rd_canvas_role_anchor_pairs(a.chain, r.id, r.base_role_type) h ON true
     WHERE r.tenant_id = NEW.tenant_id AND r.id = NEW.role_id
    ON CONFLICT (tenant_id, role_id, account_id) DO UPDATE
       SET at_pairs = excluded.at_pairs, below_pairs = excluded.below_pairs
     WHERE (s.at_pairs, s.below_pairs) IS DISTINCT FROM (excluded.at_pairs, excluded.below_pairs);
    RETURN NULL;
END $$;

-- An account whose chain changed (a move: the account and each of its descendants, as the chain triggers of
-- 10_accounts.sql rewrite them) recomputes the anchors it is, for each role it holds overrides of.
CREATE OR REPLACE FUNCTION rd_role_states_moved() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    r bigint;
BEGIN
    PERFORM rd_role_states_lock(NEW.tenant_id);
    FOR r IN SELECT DISTINCT x.role_id FROM role_overrides x WHERE x.tenant_id = NEW.tenant_id AND x.account_id = NEW.id LOOP
        PERFORM rd_role_states_store(NEW.tenant_id, r, ARRAY[NEW.id]);
    END LOOP;
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER role_states_overrides AFTER INSERT OR UPDATE OR DELETE ON role_overrides
    FOR EACH ROW EXECUTE PROCEDURE rd_role_states_overrides();
CREATE OR REPLACE TRIGGER role_states_account_moved AFTER UPDATE OF parent_account_id, chain ON accounts
    FOR EACH ROW WHEN (OLD.chain IS DISTINCT FROM NEW.chain) EXECUTE PROCEDURE rd_role_states_moved();

-- Every stored state of every tenant, computed again (tenant by tenant: row-level security is forced).
CREATE OR REPLACE FUNCTION rd_role_states_rebuild() RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    t bigint;
    k record;
    prev text := current_setting('rolesd.tenant_id', true);
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('rolesd.tenant_id', t::text, true);
        PERFORM rd_role_states_lock(t);
        DELETE FROM role_states s WHERE s.tenant_id = t;
        FOR k IN SELECT x.role_id, array_agg(DISTINCT x.account_id) AS accounts
                   FROM role_overrides x WHERE x.tenant_id = t GROUP BY x.role_id LOOP
            PERFORM rd_role_states_store(t, k.role_id, k.accounts);
        END LOOP;
    END LOOP;
    PERFORM set_config('rolesd.tenant_id', coalesce(prev, ''), true);
END $$;

SELECT rd_role_states_rebuild();
