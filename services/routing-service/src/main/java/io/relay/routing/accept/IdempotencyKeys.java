package io.relay.routing.accept;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Which message an Idempotency-Key produced, and the hash of the body that came with it. */
@Repository
public class IdempotencyKeys {

    private final JdbcClient jdbc;

    public IdempotencyKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Entry(String requestHash, String messageId) {}

    /** The key's entry if it was used since {@code notBefore} (24 hours ago). */
    public Optional<Entry> find(String tenantId, String key, Instant notBefore) {
        return jdbc.sql("""
                        SELECT request_hash, message_id FROM idempotency_keys
                        WHERE tenant_id = :tenant AND key = :key AND created_at >= :notBefore
                        """)
                .param("tenant", tenantId)
                .param("key", key)
                .param("notBefore", Timestamp.from(notBefore))
                .query((rs, row) -> new Entry(rs.getString("request_hash"), rs.getString("message_id")))
                .optional();
    }

    /** Claims the key; false when another request holds it (within 24 h). An older use is replaced. */
    public boolean claim(String tenantId, String key, String requestHash, String messageId, Instant now) {
        return jdbc.sql("""
                        INSERT INTO idempotency_keys (tenant_id, key, request_hash, message_id, created_at)
                        VALUES (:tenant, :key, :hash, :message, :now)
                        ON CONFLICT (tenant_id, key) DO UPDATE SET
                            request_hash = EXCLUDED.request_hash, message_id = EXCLUDED.message_id,
                            created_at = EXCLUDED.created_at
                        WHERE idempotency_keys.created_at < :expired
                        """)
                        .param("tenant", tenantId)
                        .param("key", key)
                        .param("hash", requestHash)
                        .param("message", messageId)
                        .param("now", Timestamp.from(now))
                        .param("expired", Timestamp.from(now.minus(AcceptService.IDEMPOTENCY_WINDOW)))
                        .update()
                == 1;
    }

    public void release(String tenantId, String key, String messageId) {
        jdbc.sql("DELETE FROM idempotency_keys WHERE tenant_id = :tenant AND key = :key AND message_id = :message")
                .param("tenant", tenantId)
                .param("key", key)
                .param("message", messageId)
                .update();
    }
}
