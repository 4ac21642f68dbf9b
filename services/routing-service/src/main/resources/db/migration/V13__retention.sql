-- Retention (erase/Retention): messages and their timelines go RETENTION_MESSAGES after they were
-- accepted, idempotency keys RETENTION_IDEMPOTENCY_KEYS after they were first used.
CREATE INDEX messages_by_age ON messages (created_at);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
