-- Each account carries its chain: [self, parent, ..., root] (rd_canvas_chain's order), so that every read of
-- the hierarchy is one primary-key lookup instead of a recursive walk (about 3.5 us per level). The chain
-- is kept by triggers of migrations/functions/10_accounts.sql in the same transaction as every insert and
-- every change of parent_account_id (descendants included). A cycle in corrupt data ends a chain at the
-- first repeated account, as the recursive walk always did.
ALTER TABLE accounts ADD COLUMN chain bigint[];

-- Backfill with the walk itself. Row-level security is forced for the owner (0016), and this runs for
-- every tenant at once, so it is lifted for this statement's transaction only.
ALTER TABLE accounts NO FORCE ROW LEVEL SECURITY;
WITH RECURSIVE walk (tenant_id, start, parent, chain) AS (
    SELECT a.tenant_id, a.id, a.parent_account_id, ARRAY[a.id] FROM accounts a
    UNION ALL
    SELECT w.tenant_id, w.start, p.parent_account_id, w.chain || p.id
      FROM walk w
      JOIN accounts p ON p.tenant_id = w.tenant_id AND p.id = w.parent
     WHERE NOT (p.id = ANY (w.chain))
), longest AS (
    SELECT DISTINCT ON (tenant_id, start) tenant_id, start, chain
      FROM walk ORDER BY tenant_id, start, cardinality(chain) DESC
)
UPDATE accounts a SET chain = l.chain FROM longest l WHERE a.tenant_id = l.tenant_id AND a.id = l.start;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;

ALTER TABLE accounts ALTER COLUMN chain SET NOT NULL;
