-- Scheduling, fallback and frequency caps work on the message row; idempotency keys live beside it.
ALTER TABLE messages
    ADD COLUMN scheduled_for  TIMESTAMPTZ,
    ADD COLUMN address        TEXT,
    ADD COLUMN dispatched_at  TIMESTAMPTZ,
    ADD COLUMN tried_channels JSONB NOT NULL DEFAULT '[]'::jsonb,
    -- the category's cap when the message was routed, re-checked when a scheduled message falls due
    ADD COLUMN cap_max        INTEGER,
    ADD COLUMN cap_per        TEXT;

-- the scheduler's query: what is due, oldest first
CREATE INDEX messages_due ON messages (scheduled_for) WHERE status = 'scheduled';
-- the frequency cap's count: what went out to this customer in this category lately
CREATE INDEX messages_dispatched ON messages (tenant_id, customer_id, category, dispatched_at)
    WHERE dispatched_at IS NOT NULL;

CREATE TABLE idempotency_keys (
    tenant_id    TEXT        NOT NULL,
    key          TEXT        NOT NULL,
    request_hash TEXT        NOT NULL,
    message_id   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

-- Message templates per tenant: per channel, per locale, {{placeholders}}.
CREATE TABLE templates (
    tenant_id  TEXT        NOT NULL,
    id         TEXT        NOT NULL,
    body       JSONB       NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
