-- The trace a message was accepted in, so its dispatch by the scheduler hours later joins that trace.
ALTER TABLE messages ADD COLUMN traceparent TEXT;
