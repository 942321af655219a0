-- Random data for the pgTAP tests that compare two ways of computing the same answer (included with \ir, after
-- SET ROLE rolesd_owner and the tenant setting; setseed first for a repeatable tree).

-- p_n accounts of the current tenant, each under a random earlier one (the root first); returns
-- [root, new accounts...].
CREATE FUNCTION pg_temp.random_accounts(p_n int) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := ARRAY[(SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant())];
    n bigint;
BEGIN
    FOR i IN 1..p_n LOOP
        INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
        VALUES (rd_tenant(), 'A' || i, ids[1 + floor(random() * cardinality(ids))::int], ids[1])
        RETURNING id INTO n;
        ids := ids || n;
    END LOOP;
    RETURN ids;
END $$;

-- One custom role a base type of p_bases ('Custom 1', ...), each defined on a random account of p_on, in
-- state p_state; returns their ids.
CREATE FUNCTION pg_temp.custom_roles(p_bases text[], p_on bigint[], p_state text DEFAULT 'active') RETURNS bigint[]
    LANGUAGE sql AS $$
    WITH r AS (
        INSERT INTO roles (tenant_id, root_account_id, account_id, name, base_role_type, workflow_state)
        SELECT rd_tenant(), p_on[1], p_on[1 + floor(random() * cardinality(p_on))::int], 'Custom ' || b.n, b.base, p_state
          FROM unnest(p_bases) WITH ORDINALITY b(base, n)
        RETURNING id)
    SELECT array_agg(id ORDER BY id) FROM r $$;

-- p_n random overrides (INSERT ... ON CONFLICT DO NOTHING) of the given roles and permissions at the given
-- accounts: enabled half the time, locked with p_locked, applying to self and/or descendants (never neither).
CREATE FUNCTION pg_temp.random_overrides(p_n int, p_accounts bigint[], p_roles bigint[], p_perms text[],
                                         p_locked float DEFAULT 0.15) RETURNS void LANGUAGE plpgsql AS $$
DECLARE s boolean;
BEGIN
    FOR i IN 1..p_n LOOP
        s := random() < 0.8;
        INSERT INTO role_overrides (tenant_id, account_id, role_id, permission, enabled, locked, applies_to_self,
                                    applies_to_descendants)
        VALUES (rd_tenant(), p_accounts[1 + floor(random() * cardinality(p_accounts))::int],
                p_roles[1 + floor(random() * cardinality(p_roles))::int],
                p_perms[1 + floor(random() * cardinality(p_perms))::int], random() < 0.5, random() < p_locked, s,
                NOT s OR random() < 0.7)
        ON CONFLICT DO NOTHING;
    END LOOP;
END $$;

-- p_n users 'U1' .. (home account p_accounts[1]), user i holding 1 + i % p_spread memberships (ON CONFLICT DO
-- NOTHING) of random roles of p_roles on random accounts of p_accounts.
CREATE FUNCTION pg_temp.random_members(p_n int, p_accounts bigint[], p_roles bigint[], p_spread int DEFAULT 3)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    FOR i IN 1..p_n LOOP
        INSERT INTO users (tenant_id, name, sortable_name, short_name, login_id, account_id)
        VALUES (rd_tenant(), 'U' || i, 'U' || i, 'U' || i, 'u' || i, p_accounts[1])
        RETURNING id INTO n;
        INSERT INTO account_users (tenant_id, account_id, user_id, role_id)
        SELECT rd_tenant(), p_accounts[1 + floor(random() * cardinality(p_accounts))::int], n,
               p_roles[1 + floor(random() * cardinality(p_roles))::int]
          FROM generate_series(1, 1 + i % p_spread)
        ON CONFLICT DO NOTHING;
    END LOOP;
END $$;
