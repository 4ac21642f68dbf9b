package io.relay.routing.webhook;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The webhooks tenants are owed, each with its schedule (see V9__webhook_deliveries.sql). */
@Repository
public class WebhookDeliveries {

    private final JdbcClient jdbc;

    public WebhookDeliveries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One webhook to send: its stable id, the tenant, the body, and how many attempts came before. */
    public record Delivery(
            String eventId, String tenantId, String type, String payload, Instant createdAt, int attempts) {}

    /** Owes {@code tenantId} this event, due now; a second call with the same event id changes nothing. */
    public void owe(String eventId, String tenantId, String type, String payload, Instant now) {
        jdbc.sql("""
                        INSERT INTO webhook_deliveries (event_id, tenant_id, type, payload, created_at, next_attempt_at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING
                        """)
                .params(eventId, tenantId, type, payload, Timestamp.from(now), Timestamp.from(now))
                .update();
    }

    /**
     * Takes up to {@code limit} due deliveries, at most {@code perTenant} of any one tenant and none of
     * {@code busyTenants}, oldest first, and leases them until {@code now + lease}: another replica (or
     * this one after a crash) takes them again only once the lease has run out.
     */
    public List<Delivery> claim(Instant now, Duration lease, int perTenant, int limit, Collection<String> busyTenants) {
        return jdbc.sql("""
                        WITH due AS (
                            SELECT event_id, row_number() OVER (PARTITION BY tenant_id ORDER BY next_attempt_at) AS nth
                              FROM webhook_deliveries
                             WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= ?
                               AND tenant_id <> ALL (?)
                        ), taken AS (
                            SELECT d.event_id FROM webhook_deliveries d JOIN due USING (event_id)
                             WHERE due.nth <= ? ORDER BY d.next_attempt_at LIMIT ?
                               FOR UPDATE OF d SKIP LOCKED
                        )
                        UPDATE webhook_deliveries w SET next_attempt_at = ?
                          FROM taken WHERE w.event_id = taken.event_id
                        RETURNING w.event_id, w.tenant_id, w.type, w.payload, w.created_at, w.attempts
                        """)
                .params(
                        Timestamp.from(now),
                        busyTenants.toArray(String[]::new),
                        perTenant,
                        limit,
                        Timestamp.from(now.plus(lease)))
                .query((rs, row) -> new Delivery(
                        rs.getString("event_id"),
                        rs.getString("tenant_id"),
                        rs.getString("type"),
                        rs.getString("payload"),
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getInt("attempts")))
                .list();
    }

    public void delivered(String eventId, Instant now) {
        jdbc.sql("UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = ?, last_error = NULL "
                        + "WHERE event_id = ?")
                .params(Timestamp.from(now), eventId)
                .update();
    }

    /** A failed attempt, tried again at {@code next}. */
    public void retryAt(String eventId, Instant next, String error) {
        jdbc.sql("UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                        + "WHERE event_id = ?")
                .params(abbreviated(error), Timestamp.from(next), eventId)
                .update();
    }

    /** A failed attempt past the retry budget: given up. */
    public void gaveUp(String eventId, Instant now, String error) {
        jdbc.sql("UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, gave_up_at = ? "
                        + "WHERE event_id = ?")
                .params(abbreviated(error), Timestamp.from(now), eventId)
                .update();
    }

    private static String abbreviated(String error) {
        return error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
    }

    /** The tenant has no webhook any more: nothing it is owed will be sent. */
    public void dropped(String eventId, Instant now) {
        jdbc.sql("UPDATE webhook_deliveries SET gave_up_at = ?, last_error = 'the tenant has no webhook' "
                        + "WHERE event_id = ?")
                .params(Timestamp.from(now), eventId)
                .update();
    }
}
