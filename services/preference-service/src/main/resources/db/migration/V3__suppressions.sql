-- The suppression list, per tenant and address (an email address, a phone number, a push token): an
-- address on it is not used again, whatever a later profile update says, until a positive act lifts
-- it (START, or a lift with evidence). Append-only: every change is a row; the newest row of an
-- address is its state.
CREATE TABLE suppression_events (
    seq        BIGSERIAL   PRIMARY KEY,
    tenant_id  TEXT        NOT NULL,
    channel    TEXT        NOT NULL,
    address    TEXT        NOT NULL,
    suppressed BOOLEAN     NOT NULL,
    reason     TEXT        NOT NULL,
    source     TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);

CREATE INDEX suppression_events_by_address ON suppression_events (tenant_id, channel, address, seq DESC);
