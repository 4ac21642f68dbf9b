package io.relay.routing.erase;

import io.relay.routing.message.Status;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.timeline.MessageStore;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** What erasing a customer does to routing's messages: pending ones cancelled, content dropped. */
@Repository
public class ErasureStore {

    private final JdbcClient jdbc;
    private final MessageStore store;

    public ErasureStore(JdbcClient jdbc, MessageStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    public record Erasure(int cancelled, int scrubbed) {}

    /**
     * Cancels what was not dispatched yet, and of every message of the customer drops the content, the
     * addresses and the customer's id, which becomes {@code pseudonym} (the consent ledger's).
     */
    @Transactional
    public Erasure eraseCustomer(String tenantId, String customerId, String pseudonym, Instant at) {
        List<String> pending = jdbc.sql("""
                        SELECT id FROM messages WHERE tenant_id = :tenant AND customer_id = :customer
                          AND status IN ('accepted', 'scheduled')
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .query(String.class)
                .list();
        int cancelled = 0;
        for (String id : pending) {
            if (store.advanceFrom(
                    tenantId,
                    id,
                    Status.CANCELLED.predecessors(),
                    Status.CANCELLED,
                    null,
                    List.of(new TimelineEntry(at, "cancelled", null, "customer erased")))) {
                cancelled++;
            }
        }
        // what was said, where it went and who it was for: only the ledger's pseudonym stays
        int scrubbed = jdbc.sql("""
                        UPDATE messages SET customer_id = :pseudonym, address = NULL,
                               request = (request - 'content' - 'template' - 'appointment')
                                         || jsonb_build_object('customerId', CAST(:pseudonym AS text))
                        WHERE tenant_id = :tenant AND customer_id = :customer
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .param("pseudonym", pseudonym)
                .update();
        return new Erasure(cancelled, scrubbed);
    }
}
