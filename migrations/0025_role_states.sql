-- Stored override states (role_states): for each role and each account that holds an override of it (an
-- "anchor"), the compact form's "<ord>:<state>,..." (rd_canvas_role_pairs, 30_canvas_resolution.sql) at the
-- account itself (at_pairs) and at any descendant with no override of the role on the way down (below_pairs).
-- Role JSON at account D reads the row of the nearest anchor on D's chain: at_pairs when it is D, else
-- below_pairs; none, no override, the defaults apply. So the states are read, not aggregated, on every
-- request, and a write recomputes only the anchors below it (accounts without overrides store nothing).
-- Kept by the triggers of migrations/functions/35_canvas_role_states.sql in the same transaction as every
-- change of role_overrides and of an account's chain, and rebuilt whole when the function files are
-- re-applied.
CREATE TABLE role_states (
    tenant_id   bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    role_id     bigint NOT NULL,
    account_id  bigint NOT NULL,
    at_pairs    text NOT NULL,
    below_pairs text NOT NULL,
    PRIMARY KEY (tenant_id, role_id, account_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE role_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON role_states
    USING (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint)
    WITH CHECK (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);

-- The subtree of an account (every account whose stored chain holds it), which an override's change
-- touches, found by index instead of by reading the tenant's every chain.
CREATE INDEX accounts_chain_gin ON accounts USING gin (chain);
