-- Stored account chains (accounts.chain, kept by the triggers of 10_accounts.sql) against the recursive walk
-- they replace: after inserts, random moves, moves that create cycles in corrupt data, and moves back.
SELECT no_plan();

CREATE TEMP TABLE t AS
SELECT * FROM rd_tenant_create('Chains', ARRAY['chains.test'], 'C', repeat('c', 64), 'ccccc');
SELECT set_config('rolesd.tenant_id', (SELECT tenant_id FROM t)::text, false);
SELECT setseed(0.42);

-- 300 accounts, each under a random earlier one
DO $$
DECLARE i int; ids bigint[] := ARRAY[(SELECT root_account_id FROM t)]; n bigint;
BEGIN
    FOR i IN 1..300 LOOP
        INSERT INTO accounts (tenant_id, name, parent_account_id, root_account_id)
        VALUES ((SELECT tenant_id FROM t), 'A' || i, ids[1 + floor(random() * cardinality(ids))::int],
                (SELECT root_account_id FROM t))
        RETURNING id INTO n;
        ids := ids || n;
    END LOOP;
END $$;

CREATE TEMP VIEW mismatched AS
SELECT a.id FROM accounts a WHERE a.tenant_id = (SELECT tenant_id FROM t)
   AND a.chain IS DISTINCT FROM rd_account_chain_walk(a.tenant_id, a.id);

SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after 300 inserts every stored chain equals the walk');
SELECT is((SELECT chain FROM accounts WHERE id = (SELECT root_account_id FROM t)),
          ARRAY[(SELECT root_account_id FROM t)], 'the root''s chain is itself');

-- 200 random moves that keep a tree (never under the account itself or a descendant)
DO $$
DECLARE i int; x bigint; p bigint;
BEGIN
    FOR i IN 1..200 LOOP
        SELECT id INTO x FROM accounts WHERE tenant_id = (SELECT tenant_id FROM t) AND parent_account_id IS NOT NULL
         ORDER BY random() LIMIT 1;
        SELECT id INTO p FROM accounts WHERE tenant_id = (SELECT tenant_id FROM t) AND NOT (chain @> ARRAY[x])
         ORDER BY random() LIMIT 1;
        UPDATE accounts SET parent_account_id = p WHERE tenant_id = (SELECT tenant_id FROM t) AND id = x;
    END LOOP;
END $$;
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after 200 random moves every stored chain equals the walk');
SELECT ok((SELECT max(cardinality(chain)) FROM accounts WHERE tenant_id = (SELECT tenant_id FROM t)) > 3,
          'and the tree has some depth');

-- corrupt data: 20 moves under a descendant (cycles), then every chain still equals the walk
DO $$
DECLARE i int; x bigint; p bigint;
BEGIN
    FOR i IN 1..20 LOOP
        SELECT id INTO x FROM accounts a WHERE tenant_id = (SELECT tenant_id FROM t) AND parent_account_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM accounts d WHERE d.tenant_id = a.tenant_id AND d.chain @> ARRAY[a.id] AND d.id <> a.id)
         ORDER BY random() LIMIT 1;
        SELECT id INTO p FROM accounts d WHERE tenant_id = (SELECT tenant_id FROM t) AND d.chain @> ARRAY[x] AND d.id <> x
         ORDER BY random() LIMIT 1;
        IF p IS NOT NULL THEN
            UPDATE accounts SET parent_account_id = p WHERE tenant_id = (SELECT tenant_id FROM t) AND id = x;
        END IF;
    END LOOP;
END $$;
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after moves that make cycles every chain equals the walk');
SELECT ok((SELECT bool_and(cardinality(chain) = (SELECT count(DISTINCT c) FROM unnest(chain) c))
             FROM accounts WHERE tenant_id = (SELECT tenant_id FROM t)), 'no chain repeats an account');

-- and the tree repaired: every account back under the root
UPDATE accounts SET parent_account_id = (SELECT root_account_id FROM t)
 WHERE tenant_id = (SELECT tenant_id FROM t) AND parent_account_id IS NOT NULL;
SELECT is((SELECT count(*) FROM mismatched), 0::bigint, 'after repair every chain equals the walk');
SELECT is((SELECT max(cardinality(chain)) FROM accounts WHERE tenant_id = (SELECT tenant_id FROM t)), 2,
          'and every chain is [self, root]');

SELECT * FROM finish();
