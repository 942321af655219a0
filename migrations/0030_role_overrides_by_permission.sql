-- A role's overrides of one permission, whatever the account: the permission check reads them in one index
-- range and keeps those on the account's chain, instead of probing every account of the chain (which cost
-- it a third of its speed at depth 100).
CREATE INDEX role_overrides_permission ON role_overrides (tenant_id, role_id, permission, account_id);
