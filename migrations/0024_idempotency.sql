-- Idempotency keys: the first answer to a Canvas or api2 write sent with an Idempotency-Key header, kept
-- per tenant until it expires, so that a retry with the same key and body gets that answer and writes
-- nothing again. The row is written in the same transaction as the write it answers (fcgi/idempotency.c),
-- so a stored answer exists exactly when the write committed.
CREATE TABLE idempotency_keys (
    tenant_id   bigint NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    user_id     bigint NOT NULL,
    fingerprint text NOT NULL,          -- SHA-256 of method, path, query and body
    status      int,                    -- NULL until the answer is stored (in the same transaction)
    headers     text,
    body        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (tenant_id, expires_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
    USING (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint)
    WITH CHECK (tenant_id = NULLIF(current_setting('rolesd.tenant_id', true), '')::bigint);
