-- Where each tenant wants its status changes, as the gateway last passed it.
CREATE TABLE tenant_webhooks (
    tenant_id  TEXT        PRIMARY KEY,
    url        TEXT        NOT NULL,
    secret     TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
