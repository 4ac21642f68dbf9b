package io.relay.preference.suppress;

import io.relay.contracts.Suppressions;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import redis.clients.jedis.JedisPooled;

/**
 * The suppression list: which addresses may not be used, in PostgreSQL (every change a row) with a
 * Redis copy the channel services read before each provider call. Suppressing what is suppressed, or
 * lifting what is not, writes nothing.
 */
@Repository
public class SuppressionList {

    private final JdbcClient jdbc;
    private final JedisPooled redis;

    public SuppressionList(JdbcClient jdbc, JedisPooled redis) {
        this.jdbc = jdbc;
        this.redis = redis;
    }

    /** One change: {@code source} is who acted (sms-keyword, provider, business-api), {@code reason} why. */
    public record SuppressionChange(
            String channel, String address, boolean suppressed, String reason, String source, Instant at) {}

    /** Puts the address on the list; true when that changed something. */
    public boolean suppress(String tenantId, String channel, String address, String reason, String source, Instant at) {
        if (isSuppressed(tenantId, channel, address)) {
            return false;
        }
        append(tenantId, new SuppressionChange(channel, address, true, reason, source, at));
        redis.set(Suppressions.redisKey(tenantId, channel, address), reason);
        return true;
    }

    /** Takes the address off the list after a positive act; true when that changed something. */
    public boolean lift(String tenantId, String channel, String address, String reason, String source, Instant at) {
        if (!isSuppressed(tenantId, channel, address)) {
            return false;
        }
        append(tenantId, new SuppressionChange(channel, address, false, reason, source, at));
        redis.del(Suppressions.redisKey(tenantId, channel, address));
        return true;
    }

    public boolean isSuppressed(String tenantId, String channel, String address) {
        return !suppressedAmong(tenantId, channel, List.of(address)).isEmpty();
    }

    /** Those of {@code addresses} that are on the list for this channel. */
    public Set<String> suppressedAmong(String tenantId, String channel, Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc
                .sql("""
                        SELECT DISTINCT ON (address) address, suppressed FROM suppression_events
                        WHERE tenant_id = :tenant AND channel = :channel AND address IN (:addresses)
                        ORDER BY address, seq DESC
                        """)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("addresses", List.copyOf(addresses))
                .query((rs, row) -> rs.getBoolean("suppressed") ? rs.getString("address") : null)
                .list()
                .stream()
                .filter(java.util.Objects::nonNull)
                .toList());
    }

    /** Every change about these addresses of this channel, oldest first: the suppression list's ledger. */
    public List<SuppressionChange> history(String tenantId, String channel, Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT channel, address, suppressed, reason, source, at FROM suppression_events
                        WHERE tenant_id = :tenant AND channel = :channel AND address IN (:addresses)
                        ORDER BY seq
                        """)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("addresses", List.copyOf(addresses))
                .query((rs, row) -> new SuppressionChange(
                        rs.getString("channel"),
                        rs.getString("address"),
                        rs.getBoolean("suppressed"),
                        rs.getString("reason"),
                        rs.getString("source"),
                        rs.getTimestamp("at").toInstant()))
                .list();
    }

    private void append(String tenantId, SuppressionChange change) {
        jdbc.sql("""
                        INSERT INTO suppression_events (tenant_id, channel, address, suppressed, reason, source, at)
                        VALUES (:tenant, :channel, :address, :suppressed, :reason, :source, :at)
                        """)
                .param("tenant", tenantId)
                .param("channel", change.channel())
                .param("address", change.address())
                .param("suppressed", change.suppressed())
                .param("reason", change.reason())
                .param("source", change.source())
                .param("at", Timestamp.from(change.at()))
                .update();
    }
}
