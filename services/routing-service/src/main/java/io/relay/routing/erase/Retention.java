package io.relay.routing.erase;

import io.relay.routing.RoutingProperties;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * What routing forgets on its own: a message and its timeline {@code RETENTION_MESSAGES} (90 days)
 * after it was accepted, once it is no longer waiting or on its way (a message scheduled further out
 * stays until it ends); an idempotency key {@code RETENTION_IDEMPOTENCY_KEYS} (1 day) after its first
 * use. In batches, so a backlog never holds a long lock; the scheduler calls it every few seconds.
 */
@Component
public class Retention {

    private static final int BATCH = 1_000;

    private final JdbcClient jdbc;
    private final Duration messages;
    private final Duration idempotencyKeys;

    public Retention(JdbcClient jdbc, RoutingProperties settings) {
        this.jdbc = jdbc;
        this.messages = settings.retention().messages();
        this.idempotencyKeys = settings.retention().idempotencyKeys();
    }

    /** How many messages (with their timelines) and idempotency keys one round removed. */
    public record Purged(int messages, int idempotencyKeys) {}

    public Purged purge(Instant now) {
        // the timeline has no foreign key to cascade (V14): its entries go in the same statement
        int gone = jdbc.sql("""
                        WITH gone AS (
                            DELETE FROM messages WHERE (tenant_id, id) IN (
                                SELECT tenant_id, id FROM messages
                                WHERE created_at < :before AND status NOT IN ('accepted', 'scheduled', 'dispatched')
                                LIMIT :batch)
                            RETURNING tenant_id, id),
                        entries AS (
                            DELETE FROM message_events e USING gone
                            WHERE e.tenant_id = gone.tenant_id AND e.message_id = gone.id)
                        SELECT count(*) FROM gone
                        """)
                .param("before", Timestamp.from(now.minus(messages)))
                .param("batch", BATCH)
                .query(Integer.class)
                .single();
        int keys = jdbc.sql("""
                        DELETE FROM idempotency_keys WHERE (tenant_id, key) IN (
                            SELECT tenant_id, key FROM idempotency_keys WHERE created_at < :before LIMIT :batch)
                        """)
                .param("before", Timestamp.from(now.minus(idempotencyKeys)))
                .param("batch", BATCH)
                .update();
        return new Purged(gone, keys);
    }
}
