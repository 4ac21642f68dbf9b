-- Each status webhook a tenant is owed, until it is delivered or, after a day of retries, given up:
-- the schedule lives here, driven by the service's clock, so no retry is lost with a restart and one
-- tenant's failing endpoint holds up nobody else's (WebhookDispatcher).
CREATE TABLE webhook_deliveries (
    event_id        TEXT        PRIMARY KEY,   -- webhook-id: the same on every retry
    tenant_id       TEXT        NOT NULL,
    type            TEXT        NOT NULL,      -- message.status
    payload         TEXT        NOT NULL,      -- the exact body, sent the same every time
    created_at      TIMESTAMPTZ NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,      -- also the lease of an attempt in flight
    delivered_at    TIMESTAMPTZ,
    gave_up_at      TIMESTAMPTZ,
    last_error      TEXT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND gave_up_at IS NULL;
