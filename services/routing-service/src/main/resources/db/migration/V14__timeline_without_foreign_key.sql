-- The timeline's foreign key to messages goes (issue 20). PostgreSQL checked it for every timeline
-- entry: a lookup of the message and a lock on its row, three to four times for each message, in the
-- statements that accept, route and deliver it. Every entry is written in the same statement as the
-- change of its message's row (timeline/MessageStore) or under that row's lock (the scheduler), so an
-- entry cannot outlive or precede its message; what the cascade deleted, the statements that delete
-- messages now delete themselves (erase/Retention, MessageStore.forget).
ALTER TABLE message_events DROP CONSTRAINT message_events_tenant_id_message_id_fkey;
