-- Stored override states (role_states, migration 0025): what Role JSON reads instead of aggregating the
-- chain's overrides per request, and the triggers that keep it equal to rd_canvas_role_pairs.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations"), and this file then rebuilds every stored state
-- (last statement), since the functions that compute them may have changed.
--
-- Every change that can move a state takes the tenant's lock first, then computes from a fresh snapshot
-- (each statement of a plpgsql function takes its own under READ COMMITTED), so of two concurrent writers
-- the second recomputes after the first has committed and sees both changes.

-- Serialises the maintenance of one tenant's stored states.
CREATE OR REPLACE FUNCTION rd_role_states_lock(p_tenant bigint) RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_advisory_xact_lock(hashtextextended('rolesd.role_states', p_tenant)) $$;

-- Recomputes the states of p_role at each account of p_accounts.
CREATE OR REPLACE FUNCTION rd_role_states_refresh(p_tenant bigint, p_role bigint, p_accounts bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM role_states s WHERE s.tenant_id = p_tenant AND s.role_id = p_role AND s.account_id = ANY (p_accounts);
    INSERT INTO role_states (tenant_id, account_id, role_id, pairs)
    SELECT p_tenant, a.id, p_role, o.pairs
      FROM roles r
      JOIN accounts a ON a.tenant_id = r.tenant_id AND a.id = ANY (p_accounts)
     CROSS JOIN LATERAL rd_canvas_role_pairs(a.chain, r.id, r.base_role_type) o
     WHERE r.tenant_id = p_tenant AND r.id = p_role AND o.pairs IS NOT NULL;
END $$;

-- Recomputes every role's states at one account (a new account, or one whose chain changed).
CREATE OR REPLACE FUNCTION rd_role_states_account(p_tenant bigint, p_account bigint, p_chain bigint[]) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM role_states s WHERE s.tenant_id = p_tenant AND s.account_id = p_account;
    INSERT INTO role_states (tenant_id, account_id, role_id, pairs)
    SELECT p_tenant, p_account, r.id, o.pairs
      FROM roles r
     CROSS JOIN LATERAL rd_canvas_role_pairs(p_chain, r.id, r.base_role_type) o
     WHERE r.tenant_id = p_tenant
       AND r.id IN (SELECT x.role_id FROM role_overrides x WHERE x.tenant_id = p_tenant AND x.account_id = ANY (p_chain))
       AND o.pairs IS NOT NULL;
END $$;

-- An override written or removed at account A changes its role's states at A and below.
CREATE OR REPLACE FUNCTION rd_role_states_overrides() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    x role_overrides := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    PERFORM rd_role_states_lock(x.tenant_id);
    PERFORM rd_role_states_refresh(x.tenant_id, x.role_id,
        ARRAY(SELECT d.id FROM accounts d WHERE d.tenant_id = x.tenant_id AND d.chain @> ARRAY[x.account_id]));
    IF TG_OP = 'UPDATE' AND (OLD.account_id, OLD.role_id) IS DISTINCT FROM (NEW.account_id, NEW.role_id) THEN
        PERFORM rd_role_states_refresh(OLD.tenant_id, OLD.role_id,
            ARRAY(SELECT d.id FROM accounts d WHERE d.tenant_id = OLD.tenant_id AND d.chain @> ARRAY[OLD.account_id]));
    END IF;
    RETURN NULL;
END $$;

-- A new account, or an account whose chain changed (a move: the account and each of its descendants, as the
-- chain triggers of 10_accounts.sql rewrite them), gets its states from its chain.
CREATE OR REPLACE FUNCTION rd_role_states_accounts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rd_role_states_lock(NEW.tenant_id);
    PERFORM rd_role_states_account(NEW.tenant_id, NEW.id, NEW.chain);
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER role_states_overrides AFTER INSERT OR UPDATE OR DELETE ON role_overrides
    FOR EACH ROW EXECUTE PROCEDURE rd_role_states_overrides();
CREATE OR REPLACE TRIGGER role_states_account_new AFTER INSERT ON accounts
    FOR EACH ROW EXECUTE PROCEDURE rd_role_states_accounts();
CREATE OR REPLACE TRIGGER role_states_account_moved AFTER UPDATE OF parent_account_id, chain ON accounts
    FOR EACH ROW WHEN (OLD.chain IS DISTINCT FROM NEW.chain) EXECUTE PROCEDURE rd_role_states_accounts();

-- Every stored state of every tenant, computed again (tenant by tenant: row-level security is forced).
CREATE OR REPLACE FUNCTION rd_role_states_rebuild() RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    t bigint;
    prev text := current_setting('rolesd.tenant_id', true);
BEGIN
    FOR t IN SELECT id FROM tenants ORDER BY id LOOP
        PERFORM set_config('rolesd.tenant_id', t::text, true);
        PERFORM rd_role_states_lock(t);
        DELETE FROM role_states s WHERE s.tenant_id = t;
        INSERT INTO role_states (tenant_id, account_id, role_id, pairs)
        SELECT t, a.id, r.id, o.pairs
          FROM (SELECT DISTINCT x.role_id, d.id AS account_id
                  FROM role_overrides x
                  JOIN accounts d ON d.tenant_id = x.tenant_id AND d.chain @> ARRAY[x.account_id]
                 WHERE x.tenant_id = t) k
          JOIN roles r ON r.tenant_id = t AND r.id = k.role_id
          JOIN accounts a ON a.tenant_id = t AND a.id = k.account_id
         CROSS JOIN LATERAL rd_canvas_role_pairs(a.chain, r.id, r.base_role_type) o
         WHERE o.pairs IS NOT NULL;
    END LOOP;
    PERFORM set_config('rolesd.tenant_id', coalesce(prev, ''), true);
END $$;

SELECT rd_role_states_rebuild();
