-- When the scheduler last reported a dispatched message as unanswered (no sent, no failure from its
-- channel within DELIVERY_MAX_AGE and a grace): once, so a message ends rather than waits for good.
ALTER TABLE messages ADD COLUMN reconciled_at TIMESTAMPTZ;
CREATE INDEX messages_dispatched_unanswered ON messages (dispatched_at) WHERE status = 'dispatched';
