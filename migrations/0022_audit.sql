-- Audit trail (issue 16): one row per change to roles, overrides, admin memberships, tokens (never the token
-- itself), accounts, conditions (feature flags, account settings) and api2 roles, written by the SECURITY
-- DEFINER functions in the same transaction as the change. Rows are immutable: a trigger of
-- migrations/functions/95_audit.sql refuses UPDATE, DELETE and TRUNCATE, except the retention purge of
-- rows older than the tenant's audit_retention_days. rolesd_app holds no privilege on the table.
CREATE TABLE audit_events (
    tenant_id  bigint NOT NULL REFERENCES tenants ON DELETE CASCADE,
    id         bigserial NOT NULL,
    at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    user_id    bigint,
    token_id   bigint,
    request_id text,
    account_id bigint,
    entity     text NOT NULL,
    entity_id  text,
    action     text NOT NULL,
    before     jsonb,
    after      jsonb,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_events_account ON audit_events (tenant_id, account_id, id);

ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint)
    WITH CHECK (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);
REVOKE ALL ON audit_events FROM rolesd_app;
REVOKE ALL ON SEQUENCE audit_events_id_seq FROM rolesd_app;
