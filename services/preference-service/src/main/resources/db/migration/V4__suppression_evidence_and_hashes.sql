-- The suppression list is found by the SHA-256 of the normalised address (an email address in lower
-- case), so that erasure can drop the plain address and the list still recognises it: a customer who
-- said STOP and was then erased is not texted again when a business re-imports their number. A lift
-- by the business carries its evidence and the API key that acted.
ALTER TABLE suppression_events ADD COLUMN address_hash TEXT;
UPDATE suppression_events
   SET address = CASE WHEN channel = 'email' THEN lower(address) ELSE address END;
UPDATE suppression_events SET address_hash = encode(sha256(convert_to(address, 'UTF8')), 'hex');
ALTER TABLE suppression_events ALTER COLUMN address_hash SET NOT NULL;
ALTER TABLE suppression_events ALTER COLUMN address DROP NOT NULL;
ALTER TABLE suppression_events ADD COLUMN evidence TEXT;
ALTER TABLE suppression_events ADD COLUMN actor TEXT;

DROP INDEX suppression_events_by_address;
CREATE INDEX suppression_events_by_hash ON suppression_events (tenant_id, channel, address_hash, seq DESC);
