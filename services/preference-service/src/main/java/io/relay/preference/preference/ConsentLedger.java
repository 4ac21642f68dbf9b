package io.relay.preference.preference;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The append-only ledger and the current consent state it implies. Callers run inside a transaction,
 * so a ledger row and the state change it explains are committed together.
 */
@Repository
public class ConsentLedger {

    private final JdbcClient jdbc;

    public ConsentLedger(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a grant or withdrawal and makes it the current state for that category and channel. */
    public void record(String tenantId, String customerId, LedgerEntry entry) {
        append(tenantId, customerId, entry);
        if (entry.granted() != null && entry.category() != null) {
            jdbc.sql("""
                            INSERT INTO consent_state (tenant_id, customer_id, category, channel, granted, source)
                            VALUES (:tenant, :customer, :category, :channel, :granted, :source)
                            ON CONFLICT (tenant_id, customer_id, category, channel)
                            DO UPDATE SET granted = EXCLUDED.granted, source = EXCLUDED.source
                            """)
                    .param("tenant", tenantId)
                    .param("customer", customerId)
                    .param("category", entry.category())
                    .param("channel", entry.channel())
                    .param("granted", entry.granted())
                    .param("source", entry.source())
                    .update();
        }
    }

    /** Records a contact change that is not a consent decision. */
    public void append(String tenantId, String customerRef, LedgerEntry entry) {
        jdbc.sql("""
                        INSERT INTO consent_ledger (tenant_id, customer_ref, at, category, channel, granted, source,
                                                    stated_source, evidence, note, api_key_id, ip_address,
                                                    user_agent, wording_version)
                        VALUES (:tenant, :customer, :at, :category, :channel, :granted, :source, :stated, :evidence,
                                :note, :keyId, :ip, :agent, :wording)
                        """)
                .param("tenant", tenantId)
                .param("customer", customerRef)
                .param("at", Timestamp.from(entry.at()))
                .param("category", entry.category())
                .param("channel", entry.channel())
                .param("granted", entry.granted())
                .param("source", entry.source())
                .param("stated", entry.statedSource())
                .param("evidence", entry.evidence())
                .param("note", entry.note())
                .param("keyId", entry.actor() == null ? null : entry.actor().apiKeyId())
                .param("ip", entry.actor() == null ? null : entry.actor().ipAddress())
                .param("agent", entry.actor() == null ? null : entry.actor().userAgent())
                .param("wording", entry.actor() == null ? null : entry.actor().wordingVersion())
                .update();
    }

    private static LedgerEntry.Actor actor(java.sql.ResultSet rs) throws java.sql.SQLException {
        LedgerEntry.Actor actor = new LedgerEntry.Actor(
                rs.getString("api_key_id"),
                rs.getString("ip_address"),
                rs.getString("user_agent"),
                rs.getString("wording_version"));
        return actor.equals(new LedgerEntry.Actor(null, null, null, null)) ? null : actor;
    }

    public List<LedgerEntry> entries(String tenantId, String customerRef) {
        return jdbc.sql("""
                        SELECT at, category, channel, granted, source, stated_source, evidence, note,
                               api_key_id, ip_address, user_agent, wording_version
                        FROM consent_ledger WHERE tenant_id = :tenant AND customer_ref = :customer ORDER BY id
                        """)
                .param("tenant", tenantId)
                .param("customer", customerRef)
                .query((rs, row) -> new LedgerEntry(
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("category"),
                        rs.getString("channel"),
                        (Boolean) rs.getObject("granted"),
                        rs.getString("source"),
                        rs.getString("stated_source"),
                        rs.getString("evidence"),
                        rs.getString("note"),
                        actor(rs)))
                .list();
    }

    /** Explicit consent decisions, keyed {@code category/channel}; absent means the category's default. */
    public Map<String, ConsentState> state(String tenantId, String customerId) {
        Map<String, ConsentState> state = new HashMap<>();
        jdbc.sql("""
                        SELECT category, channel, granted, source FROM consent_state
                        WHERE tenant_id = :tenant AND customer_id = :customer
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .query((rs, row) -> new ConsentState(
                        rs.getString("category"),
                        rs.getString("channel"),
                        rs.getBoolean("granted"),
                        rs.getString("source")))
                .list()
                .forEach(s -> state.put(key(s.category(), s.channel()), s));
        return state;
    }

    public static String key(String category, String channel) {
        return category + "/" + channel;
    }

    /** The latest decision for one category and channel, and who made it. */
    public record ConsentState(String category, String channel, boolean granted, String source) {}
}
