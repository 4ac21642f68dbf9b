-- Customers per tenant: contacts and profile. Preferences and the consent ledger come in later migrations.
CREATE TABLE customers (
    tenant_id    TEXT        NOT NULL,
    customer_id  TEXT        NOT NULL,
    email        TEXT,
    phone        TEXT,
    push_tokens  JSONB       NOT NULL DEFAULT '[]'::jsonb,
    time_zone    TEXT,
    locale       TEXT,
    attributes   JSONB       NOT NULL DEFAULT '{}'::jsonb,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, customer_id)
);
