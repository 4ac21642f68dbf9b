-- One message's statements as routing-service makes them, for pgbench (infra/bench/postgres.sh):
-- accept (insert + first timeline entry), route (status, route columns, two entries; in a
-- transaction), the delivery event's read, the status change to sent.
\set n random(1, 2000000000)
\set c random(1, 800)
WITH inserted AS (INSERT INTO messages (tenant_id, id, customer_id, category, priority, channels, send_at, expires_at, request, status, sms_from, email_from, sms_countries, tenant_time_zone, traceparent, created_at, updated_at) VALUES ('t-1', 'm' || :n || '_' || :client_id, 'c-' || :c, 'load-sms', 'normal', '[]'::jsonb, null, null, '{"customerId":"c-1","category":"load-sms","content":{"sms":{"text":"Hello there, your appointment is tomorrow at 10:00. Reply STOP to opt out."}}}'::jsonb, 'accepted', null, null, '*', null, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', now(), now()) RETURNING tenant_id, id, created_at),
ins2 AS (INSERT INTO message_events (tenant_id, message_id, at, event) SELECT tenant_id, id, created_at, 'accepted' FROM inserted RETURNING message_id)
SELECT message_id FROM ins2;
BEGIN;
WITH moved AS (UPDATE messages SET status = 'dispatched', channel = COALESCE('sms', channel), updated_at = now(), address = '["+31612345678"]', scheduled_for = null, cap_max = null, cap_per = null, category_kind = 'transactional', dispatched_at = COALESCE(now(), dispatched_at) WHERE tenant_id = 't-1' AND id = 'm' || :n || '_' || :client_id AND status IN ('accepted') RETURNING tenant_id, id) INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason) SELECT moved.tenant_id, moved.id, e.at, e.event, e.channel, e.reason FROM moved CROSS JOIN (VALUES (now(), 'routed', 'sms', 'sms: customer''s choice 1 for load-sms', 0), (now(), 'dispatched', 'sms', null, 1)) AS e (at, event, channel, reason, n) ORDER BY e.n;
COMMIT;
SELECT status, channel, tried_channels, COALESCE(scheduled_for, created_at) AS due FROM messages WHERE tenant_id = 't-1' AND id = 'm' || :n || '_' || :client_id;
WITH moved AS (UPDATE messages SET status = 'sent', channel = COALESCE('sms', channel), updated_at = now() WHERE tenant_id = 't-1' AND id = 'm' || :n || '_' || :client_id AND status IN ('accepted','scheduled','dispatched') RETURNING tenant_id, id) INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason) SELECT moved.tenant_id, moved.id, e.at, e.event, e.channel, e.reason FROM moved CROSS JOIN (VALUES (now(), 'sent', 'sms', 'SM123', 0)) AS e (at, event, channel, reason, n) ORDER BY e.n;
