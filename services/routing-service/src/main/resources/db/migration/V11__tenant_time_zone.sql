-- The time zone of the tenant's customers who have none of their own (IANA id), as the gateway passed
-- it when the message was accepted; NULL: UTC. Quiet hours and delivery windows are read in it.
ALTER TABLE messages ADD COLUMN tenant_time_zone TEXT;
