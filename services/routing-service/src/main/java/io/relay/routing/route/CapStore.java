package io.relay.routing.route;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The frequency cap's side of the {@code messages} table: the count of what was dispatched, and the
 * lock that makes counting and dispatching one step. The rule itself is decide/FrequencyCap.
 */
@Repository
public class CapStore {

    private final JdbcClient jdbc;

    public CapStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Holds, until the caller's transaction ends, the one lock for this customer's cap in this
     * category: counting and dispatching under it, no two consumers or replicas both see room for one
     * more. Call inside a transaction.
     */
    public void lockCap(String tenantId, String customerId, String category) {
        lockCap(tenantId, customerId, category, true);
    }

    /** As {@link #lockCap}; without {@code wait}, false at once when another transaction holds it. */
    public boolean lockCap(String tenantId, String customerId, String category, boolean wait) {
        return Boolean.TRUE.equals(jdbc.sql(
                        wait
                                ? "SELECT true FROM pg_advisory_xact_lock(hashtextextended(:key, 0))"
                                : "SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))")
                // each part with its length: no two (tenant, customer, category) make the same key
                .param("key", tenantId.length() + ":" + tenantId + customerId.length() + ":" + customerId + category)
                .query(Boolean.class)
                .single());
    }

    /**
     * Other messages dispatched to this customer in this category since {@code since}: the frequency
     * cap's count. Messages, not attempts: a message falling back to another channel does not count
     * against itself.
     */
    public int countDispatchedSince(
            String tenantId, String customerId, String category, Instant since, String exceptMessageId) {
        return jdbc.sql("""
                        SELECT count(*) FROM messages
                        WHERE tenant_id = :tenant AND customer_id = :customer AND category = :category
                          AND dispatched_at IS NOT NULL AND dispatched_at > :since AND id <> :except
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .param("category", category)
                .param("except", exceptMessageId)
                .param("since", Timestamp.from(since))
                .query(Integer.class)
                .single();
    }
}
