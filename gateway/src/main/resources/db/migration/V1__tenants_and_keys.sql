-- The gateway's own database: tenants, their API keys (only as SHA-256 hashes) and the map from an
-- SMS sender to the tenants sending from it. Redis keeps only what it can lose: rate-limit counters
-- and the change announcements.
CREATE TABLE tenants (
    tenant_id        text PRIMARY KEY,
    name             text        NOT NULL,
    created_at       timestamptz NOT NULL,
    -- smsFrom, emailFrom, webhookUrl, webhookSecret, rateLimit: the settings a key's owner carries
    settings         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- counts settings changes: a service told of them in any order keeps the newest
    settings_version bigint      NOT NULL DEFAULT 0,
    -- the sender map: which tenants send from a number or Messaging Service (an inbound STOP to it
    -- concerns them); tenants without one send from the platform's TWILIO_FROM
    sms_from         text GENERATED ALWAYS AS (settings ->> 'smsFrom') STORED
);

CREATE INDEX tenants_by_sms_from ON tenants (sms_from);

CREATE TABLE api_keys (
    key_hash   text PRIMARY KEY,
    key_id     text        NOT NULL,
    tenant_id  text        NOT NULL REFERENCES tenants (tenant_id),
    created_at timestamptz NOT NULL,
    -- a revoked key stays, revoked: no import or replay can bring it back
    revoked_at timestamptz,
    UNIQUE (tenant_id, key_id)
);

-- tenants and keys that lived in Redis before this store, imported once (TenantImport)
CREATE TABLE imports (
    source      text PRIMARY KEY,
    imported_at timestamptz NOT NULL,
    tenants     integer     NOT NULL,
    api_keys    integer     NOT NULL
);
