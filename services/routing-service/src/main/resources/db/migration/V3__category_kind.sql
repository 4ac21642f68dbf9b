-- The category's kind when the message was routed: marketing email carries List-Unsubscribe.
ALTER TABLE messages ADD COLUMN category_kind TEXT;
