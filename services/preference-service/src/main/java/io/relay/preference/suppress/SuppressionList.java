package io.relay.preference.suppress;

import io.relay.contracts.Suppressions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * The suppression list: which addresses may not be used, in PostgreSQL (every change a row, its own
 * ledger) with a Redis copy the channel services read before each provider call. Rows are found by the
 * SHA-256 of the normalised address ({@link Suppressions#normalise}), so an erased customer's address
 * keeps its "no" without its plain text. Suppressing what is suppressed, or lifting what is not, writes
 * nothing.
 */
@Repository
public class SuppressionList {

    private final JdbcClient jdbc;
    private final JedisPooled redis;

    public SuppressionList(JdbcClient jdbc, JedisPooled redis) {
        this.jdbc = jdbc;
        this.redis = redis;
    }

    /**
     * One change: {@code source} is who acted (sms-keyword, provider, email-bounce, business-api),
     * {@code reason} why, {@code evidence} what the actor gave for it (a lift's), {@code actor} the API
     * key that acted. {@code address} is null once the customer who held it was erased.
     */
    public record SuppressionChange(
            String channel,
            String address,
            boolean suppressed,
            String reason,
            String source,
            Instant at,
            String evidence,
            String actor,
            String scope) {}

    /** Every message, or only marketing (a spam complaint). */
    public static final String ALL = "all";

    public static final String MARKETING = "marketing";

    /** Who acted and on what grounds, for a change by a person or a business rather than a provider. */
    public record Act(String source, String reason, String evidence, String actor) {

        public static Act of(String source, String reason) {
            return new Act(source, reason, null, null);
        }
    }

    /** Puts the address on the list for every message; true when that changed something. */
    public boolean suppress(String tenantId, String channel, String address, String reason, String source, Instant at) {
        return suppress(tenantId, channel, address, ALL, Act.of(source, reason), at);
    }

    /** Puts the address on the list for {@code scope} ({@link #ALL} or {@link #MARKETING}). */
    public boolean suppress(String tenantId, String channel, String address, String scope, Act act, Instant at) {
        if (latest(tenantId, channel, address).getOrDefault(scope, false)) {
            return false;
        }
        append(tenantId, channel, address, true, scope, act, at);
        redis.set(Suppressions.redisKey(tenantId, channel, address, MARKETING.equals(scope)), act.reason());
        return true;
    }

    /** Takes the address off the list after a positive act; true when that changed something. */
    public boolean lift(String tenantId, String channel, String address, String reason, String source, Instant at) {
        return lift(tenantId, channel, address, Act.of(source, reason), at);
    }

    public boolean lift(String tenantId, String channel, String address, Act act, Instant at) {
        boolean lifted = false;
        for (Map.Entry<String, Boolean> scope :
                latest(tenantId, channel, address).entrySet()) {
            if (scope.getValue()) {
                append(tenantId, channel, address, false, scope.getKey(), act, at);
                redis.del(Suppressions.redisKey(tenantId, channel, address, MARKETING.equals(scope.getKey())));
                lifted = true;
            }
        }
        return lifted;
    }

    /** Suppressed for every message (not only marketing). */
    public boolean isSuppressed(String tenantId, String channel, String address) {
        return !suppressedAmong(tenantId, channel, List.of(address), false).isEmpty();
    }

    /** Each scope's state of one address: scope to suppressed. */
    private Map<String, Boolean> latest(String tenantId, String channel, String address) {
        Map<String, Boolean> states = new HashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (scope) scope, suppressed FROM suppression_events
                        WHERE tenant_id = :tenant AND channel = :channel AND address_hash = :hash
                        ORDER BY scope, seq DESC
                        """)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("hash", Suppressions.addressHash(channel, address))
                .query(rs -> {
                    states.put(rs.getString("scope"), rs.getBoolean("suppressed"));
                });
        return states;
    }

    /**
     * Those of {@code addresses} (as given) that may not be used for this channel: suppressed for every
     * message, or only for marketing when {@code marketing}.
     */
    public Set<String> suppressedAmong(
            String tenantId, String channel, Collection<String> addresses, boolean marketing) {
        Map<String, List<String>> byHash = byHash(channel, addresses);
        if (byHash.isEmpty()) {
            return Set.of();
        }
        Set<String> suppressed = new HashSet<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (address_hash, scope) address_hash, scope, suppressed
                        FROM suppression_events
                        WHERE tenant_id = :tenant AND channel = :channel AND address_hash IN (:hashes)
                        ORDER BY address_hash, scope, seq DESC
                        """)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("hashes", List.copyOf(byHash.keySet()))
                .query(rs -> {
                    if (rs.getBoolean("suppressed") && (ALL.equals(rs.getString("scope")) || marketing)) {
                        suppressed.addAll(byHash.get(rs.getString("address_hash")));
                    }
                });
        return suppressed;
    }

    /** Every change about these addresses of this channel, oldest first; an erased row shows the address asked about. */
    public List<SuppressionChange> history(String tenantId, String channel, Collection<String> addresses) {
        Map<String, List<String>> byHash = byHash(channel, addresses);
        if (byHash.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        SELECT * FROM suppression_events
                        WHERE tenant_id = :tenant AND channel = :channel AND address_hash IN (:hashes)
                        ORDER BY seq
                        """)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("hashes", List.copyOf(byHash.keySet()))
                .query((rs, row) ->
                        change(rs, byHash.get(rs.getString("address_hash")).getFirst()))
                .list();
    }

    /** One entry of the list as it stands, with where a listing continues after it. */
    public record Entry(SuppressionChange change, String cursor) {}

    /**
     * What is suppressed now, in a stable order, optionally of one channel and one address, after
     * {@code after} (an earlier entry's cursor), at most {@code limit}.
     */
    public List<Entry> current(String tenantId, String channel, String address, String after, int limit) {
        String hash = address == null ? null : Suppressions.addressHash(channel, address);
        String[] from = after == null ? new String[] {"", "", ""} : after.split(":", 3);
        return jdbc.sql("""
                        SELECT * FROM (
                          SELECT DISTINCT ON (channel, address_hash, scope) * FROM suppression_events
                          WHERE tenant_id = :tenant
                            AND (CAST(:channel AS TEXT) IS NULL OR channel = :channel)
                            AND (CAST(:hash AS TEXT) IS NULL OR address_hash = :hash)
                            AND (channel, address_hash, scope) > (:afterChannel, :afterHash, :afterScope)
                          ORDER BY channel, address_hash, scope, seq DESC) latest
                        WHERE suppressed ORDER BY channel, address_hash, scope LIMIT :limit
                        """)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("hash", hash)
                .param("afterChannel", from[0])
                .param("afterHash", from.length > 1 ? from[1] : "")
                .param("afterScope", from.length > 2 ? from[2] : "")
                .param("limit", limit)
                .query((rs, row) -> new Entry(
                        change(rs, rs.getString("address")),
                        rs.getString("channel") + ":" + rs.getString("address_hash") + ":" + rs.getString("scope")))
                .list();
    }

    /**
     * An erased customer's addresses stay on the list by their hash only: the plain address is dropped
     * from every row, and the "no" still holds if a business brings the address back.
     */
    public void forgetAddresses(String tenantId, String channel, Collection<String> addresses) {
        Map<String, List<String>> byHash = byHash(channel, addresses);
        if (!byHash.isEmpty()) {
            jdbc.sql("""
                            UPDATE suppression_events SET address = NULL
                            WHERE tenant_id = :tenant AND channel = :channel AND address_hash IN (:hashes)
                            """)
                    .param("tenant", tenantId)
                    .param("channel", channel)
                    .param("hashes", List.copyOf(byHash.keySet()))
                    .update();
        }
    }

    /** An erased customer, for the channel services to refuse what is still on its way to them. */
    public void markErased(String tenantId, String customerId, java.time.Duration keep) {
        redis.set(
                Suppressions.erasedKey(tenantId, customerId),
                "erased",
                SetParams.setParams().ex(keep.toSeconds()));
    }

    private static Map<String, List<String>> byHash(String channel, Collection<String> addresses) {
        Map<String, List<String>> byHash = new HashMap<>();
        for (String address : addresses) {
            byHash.computeIfAbsent(Suppressions.addressHash(channel, address), h -> new java.util.ArrayList<>())
                    .add(address);
        }
        return byHash;
    }

    private static SuppressionChange change(ResultSet rs, String address) throws SQLException {
        return new SuppressionChange(
                rs.getString("channel"),
                rs.getString("address") != null ? rs.getString("address") : address,
                rs.getBoolean("suppressed"),
                rs.getString("reason"),
                rs.getString("source"),
                rs.getTimestamp("at").toInstant(),
                rs.getString("evidence"),
                rs.getString("actor"),
                rs.getString("scope"));
    }

    private void append(
            String tenantId, String channel, String address, boolean suppressed, String scope, Act act, Instant at) {
        jdbc.sql("""
                        INSERT INTO suppression_events (tenant_id, channel, address, address_hash, suppressed,
                                                        reason, source, at, evidence, actor, scope)
                        VALUES (:tenant, :channel, :address, :hash, :suppressed, :reason, :source, :at,
                                :evidence, :actor, :scope)
                        """)
                .param("scope", scope)
                .param("tenant", tenantId)
                .param("channel", channel)
                .param("address", Suppressions.normalise(channel, address))
                .param("hash", Suppressions.addressHash(channel, address))
                .param("suppressed", suppressed)
                .param("reason", act.reason())
                .param("source", act.source())
                .param("at", Timestamp.from(at))
                .param("evidence", act.evidence())
                .param("actor", act.actor())
                .update();
    }
}
