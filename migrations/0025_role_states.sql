-- The override states of each role at each account, stored: role_states.pairs is the compact form's
-- "<ord>:<state>,..." of rd_canvas_role_pairs (30_canvas_resolution.sql) for the role at the account, one row
-- where the account's chain holds an override of the role (none: no row, the defaults apply). Role JSON
-- reads it by primary key instead of aggregating the chain's overrides on every request. It is kept by the
-- triggers of migrations/functions/35_canvas_role_states.sql in the same transaction as every change of
-- role_overrides and of an account's chain, and rebuilt whole when the function files are re-applied.
CREATE TABLE role_states (
    tenant_id  bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    account_id bigint NOT NULL,
    role_id    bigint NOT NULL,
    pairs      text NOT NULL,
    PRIMARY KEY (tenant_id, account_id, role_id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX role_states_role ON role_states (tenant_id, role_id);

ALTER TABLE role_states ENABLE ROW LEVEL SECURITY;
ALTER TABLE role_states FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON role_states
    USING (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint)
    WITH CHECK (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);

-- The subtree of an account (every account whose stored chain holds it), which an override's change
-- touches, found by index instead of by reading the tenant's every chain.
CREATE INDEX accounts_chain_gin ON accounts USING gin (chain);
