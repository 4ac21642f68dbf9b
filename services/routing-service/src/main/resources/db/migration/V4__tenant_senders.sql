-- The tenant's senders as the gateway passed them when the message was accepted.
ALTER TABLE messages ADD COLUMN sms_from TEXT, ADD COLUMN email_from TEXT;
