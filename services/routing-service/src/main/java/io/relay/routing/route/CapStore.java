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
        return lock(key(tenantId, customerId, category), wait);
    }

    /**
     * Holds the locks of all these caps until the caller's transaction ends, taken in one order (their
     * keys sorted) whatever the order they come in: two batches of due messages in hand at once, on two
     * scheduler workers or two replicas, never each wait for a lock the other holds. Taking one of them
     * again later in the same transaction does not wait.
     */
    public void lockAll(java.util.Collection<io.relay.routing.customer.PreferenceClient.Question> caps) {
        caps.stream()
                .map(q -> key(q.tenantId(), q.customerId(), q.category()))
                .distinct()
                .sorted()
                .forEach(key -> lock(key, true));
    }

    // each part with its length: no two (tenant, customer, category) make the same key
    private static String key(String tenantId, String customerId, String category) {
        return tenantId.length() + ":" + tenantId + customerId.length() + ":" + customerId + category;
    }

    private boolean lock(String key, boolean wait) {
        return Boolean.TRUE.equals(jdbc.sql(
                        wait
                                ? "SELECT true FROM pg_advisory_xact_lock(hashtextextended(:key, 0))"
                                : "SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", key)
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
