-- Messages stored as accepted whose message.accepted never reached routing (a crash between the
-- insert and the broker's confirm, a broker that lost it) are published again by the scheduler.
ALTER TABLE messages ADD COLUMN redriven_at TIMESTAMPTZ;
-- the scheduler's query: what has waited in accepted the longest
CREATE INDEX messages_accepted ON messages (updated_at) WHERE status = 'accepted';
