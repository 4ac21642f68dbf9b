-- Messages and their timelines. PostgreSQL, not Redis: an accepted message must survive any restart.
CREATE TABLE messages (
    tenant_id    TEXT        NOT NULL,
    id           TEXT        NOT NULL,
    customer_id  TEXT        NOT NULL,
    category     TEXT        NOT NULL,
    priority     TEXT        NOT NULL,
    channels     JSONB       NOT NULL,
    send_at      TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    request      JSONB       NOT NULL,
    status       TEXT        NOT NULL,
    channel      TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE INDEX messages_by_customer ON messages (tenant_id, customer_id, created_at DESC);

CREATE TABLE message_events (
    seq         BIGSERIAL   PRIMARY KEY,
    tenant_id   TEXT        NOT NULL,
    message_id  TEXT        NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    event       TEXT        NOT NULL,
    channel     TEXT,
    reason      TEXT,
    FOREIGN KEY (tenant_id, message_id) REFERENCES messages (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX message_events_by_message ON message_events (tenant_id, message_id, seq);
