-- The countries the tenant may text, as the gateway passed them when the message was accepted
-- (ISO 3166 codes, comma-separated; '*' or NULL: any): checked again when the message is routed.
ALTER TABLE messages ADD COLUMN sms_countries TEXT;
