-- Categories, the customer's choices, and the consent ledger.

CREATE TABLE categories (
    tenant_id        TEXT        NOT NULL,
    name             TEXT        NOT NULL,
    description      TEXT,
    kind             TEXT        NOT NULL CHECK (kind IN ('transactional', 'marketing')),
    default_channels JSONB       NOT NULL,
    urgent_allowed   BOOLEAN     NOT NULL DEFAULT FALSE,
    cap_max          INTEGER,
    cap_per          TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- Quiet hours and delivery window: wall-clock times in the customer's own zone.
ALTER TABLE customers
    ADD COLUMN quiet_start  TEXT,
    ADD COLUMN quiet_end    TEXT,
    ADD COLUMN window_days  JSONB,
    ADD COLUMN window_start TEXT,
    ADD COLUMN window_end   TEXT;

-- The customer's ranking of channels per category (first choice first).
CREATE TABLE channel_rankings (
    tenant_id   TEXT  NOT NULL,
    customer_id TEXT  NOT NULL,
    category    TEXT  NOT NULL,
    channels    JSONB NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, category),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id) ON DELETE CASCADE
);

-- Every grant and withdrawal, and every contact the platform dropped. Append-only: see the trigger.
CREATE TABLE consent_ledger (
    id           BIGSERIAL   PRIMARY KEY,
    tenant_id    TEXT        NOT NULL,
    customer_ref TEXT        NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    category     TEXT,
    channel      TEXT        NOT NULL,
    granted      BOOLEAN,
    source       TEXT        NOT NULL,
    stated_source TEXT,
    evidence     TEXT,
    note         TEXT
);

CREATE INDEX consent_ledger_by_customer ON consent_ledger (tenant_id, customer_ref, id);

-- Current consent per category and channel, kept in the same transaction as each ledger row.
CREATE TABLE consent_state (
    tenant_id   TEXT    NOT NULL,
    customer_id TEXT    NOT NULL,
    category    TEXT    NOT NULL,
    channel     TEXT    NOT NULL,
    granted     BOOLEAN NOT NULL,
    source      TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, category, channel),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, customer_id) ON DELETE CASCADE
);

-- Nothing updates or deletes a ledger row, except erasure, which may only pseudonymise customer_ref
-- and announces itself with SET LOCAL relay.erasure = 'on'.
CREATE FUNCTION consent_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('relay.erasure', true) = 'on'
       AND NEW.id = OLD.id AND NEW.tenant_id = OLD.tenant_id AND NEW.at = OLD.at
       AND NEW.category IS NOT DISTINCT FROM OLD.category AND NEW.channel = OLD.channel
       AND NEW.granted IS NOT DISTINCT FROM OLD.granted AND NEW.source = OLD.source
       AND NEW.stated_source IS NOT DISTINCT FROM OLD.stated_source
       AND NEW.evidence IS NOT DISTINCT FROM OLD.evidence AND NEW.note IS NOT DISTINCT FROM OLD.note THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_ledger is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER consent_ledger_append_only
    BEFORE UPDATE OR DELETE ON consent_ledger
    FOR EACH ROW EXECUTE FUNCTION consent_ledger_append_only();
