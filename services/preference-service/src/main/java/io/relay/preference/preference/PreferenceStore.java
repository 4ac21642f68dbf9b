package io.relay.preference.preference;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A customer's channel rankings, quiet hours and delivery window. */
@Repository
public class PreferenceStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public PreferenceStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Map<String, List<String>> rankings(String tenantId, String customerId) {
        Map<String, List<String>> rankings = new HashMap<>();
        jdbc.sql(
                        "SELECT category, channels FROM channel_rankings WHERE tenant_id = :tenant AND customer_id = :customer")
                .param("tenant", tenantId)
                .param("customer", customerId)
                .query((rs, row) ->
                        Map.entry(rs.getString("category"), json.readValue(rs.getString("channels"), STRINGS)))
                .list()
                .forEach(e -> rankings.put(e.getKey(), e.getValue()));
        return rankings;
    }

    public void rank(String tenantId, String customerId, String category, List<String> channels) {
        jdbc.sql("""
                        INSERT INTO channel_rankings (tenant_id, customer_id, category, channels)
                        VALUES (:tenant, :customer, :category, CAST(:channels AS jsonb))
                        ON CONFLICT (tenant_id, customer_id, category) DO UPDATE SET channels = EXCLUDED.channels
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .param("category", category)
                .param("channels", json.writeValueAsString(channels))
                .update();
    }

    public record Timing(QuietHours quietHours, DeliveryWindow deliveryWindow) {}

    public Optional<Timing> timing(String tenantId, String customerId) {
        return jdbc.sql("""
                        SELECT quiet_start, quiet_end, window_days, window_start, window_end FROM customers
                        WHERE tenant_id = :tenant AND customer_id = :customer
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .query((rs, row) -> new Timing(
                        rs.getString("quiet_start") == null
                                ? null
                                : new QuietHours(rs.getString("quiet_start"), rs.getString("quiet_end")),
                        rs.getString("window_days") == null
                                ? null
                                : new DeliveryWindow(
                                        json.readValue(rs.getString("window_days"), STRINGS),
                                        rs.getString("window_start"),
                                        rs.getString("window_end"))))
                .optional();
    }

    public void setTiming(String tenantId, String customerId, QuietHours quiet, DeliveryWindow window) {
        jdbc.sql("""
                        UPDATE customers SET quiet_start = :qs, quiet_end = :qe, window_days = CAST(:wd AS jsonb),
                                             window_start = :ws, window_end = :we
                        WHERE tenant_id = :tenant AND customer_id = :customer
                        """)
                .param("qs", quiet == null ? null : quiet.start())
                .param("qe", quiet == null ? null : quiet.end())
                .param("wd", window == null ? null : json.writeValueAsString(window.days()))
                .param("ws", window == null ? null : window.start())
                .param("we", window == null ? null : window.end())
                .param("tenant", tenantId)
                .param("customer", customerId)
                .update();
    }
}
