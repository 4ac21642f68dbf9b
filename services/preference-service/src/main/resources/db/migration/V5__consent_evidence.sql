-- Consent evidence: who acted. For a business's change, the id of the API key it used (never the
-- key); for the customer's own change in the preference centre or by one-click unsubscribe, the
-- address it came from, the browser's user agent, and the version of the wording the customer saw.
ALTER TABLE consent_ledger ADD COLUMN api_key_id TEXT;
ALTER TABLE consent_ledger ADD COLUMN ip_address TEXT;
ALTER TABLE consent_ledger ADD COLUMN user_agent TEXT;
ALTER TABLE consent_ledger ADD COLUMN wording_version TEXT;

-- Erasure may pseudonymise customer_ref and drop the address and user agent (they are the customer's
-- personal data); the rest of a row, what was decided, by which key and on which wording, stays.
CREATE OR REPLACE FUNCTION consent_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('relay.erasure', true) = 'on'
       AND NEW.id = OLD.id AND NEW.tenant_id = OLD.tenant_id AND NEW.at = OLD.at
       AND NEW.category IS NOT DISTINCT FROM OLD.category AND NEW.channel = OLD.channel
       AND NEW.granted IS NOT DISTINCT FROM OLD.granted AND NEW.source = OLD.source
       AND NEW.stated_source IS NOT DISTINCT FROM OLD.stated_source
       AND NEW.evidence IS NOT DISTINCT FROM OLD.evidence AND NEW.note IS NOT DISTINCT FROM OLD.note
       AND NEW.api_key_id IS NOT DISTINCT FROM OLD.api_key_id
       AND NEW.wording_version IS NOT DISTINCT FROM OLD.wording_version
       AND (NEW.ip_address IS NULL OR NEW.ip_address = OLD.ip_address)
       AND (NEW.user_agent IS NULL OR NEW.user_agent = OLD.user_agent) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_ledger is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
