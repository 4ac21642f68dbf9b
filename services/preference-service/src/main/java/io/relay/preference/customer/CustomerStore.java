package io.relay.preference.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Customers in PostgreSQL; every query is scoped to one tenant. */
@Repository
public class CustomerStore {

    private static final TypeReference<List<PushToken>> TOKENS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public CustomerStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Creates or replaces; returns true when the customer is new. */
    public boolean upsert(String tenantId, String customerId, CustomerProfile profile, Instant now) {
        return jdbc.sql("""
                        INSERT INTO customers (tenant_id, customer_id, email, phone, push_tokens, time_zone, locale,
                                               attributes, created_at, updated_at)
                        VALUES (:tenant, :id, :email, :phone, CAST(:tokens AS jsonb), :zone, :locale,
                                CAST(:attributes AS jsonb), :now, :now)
                        ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
                            email = EXCLUDED.email, phone = EXCLUDED.phone, push_tokens = EXCLUDED.push_tokens,
                            time_zone = EXCLUDED.time_zone, locale = EXCLUDED.locale,
                            attributes = EXCLUDED.attributes, updated_at = EXCLUDED.updated_at
                        RETURNING (xmax = 0) AS inserted
                        """)
                .param("tenant", tenantId)
                .param("id", customerId)
                .param("email", profile.email())
                .param("phone", profile.phone())
                .param("tokens", json.writeValueAsString(profile.pushTokens()))
                .param("zone", profile.timeZone())
                .param("locale", profile.locale())
                .param("attributes", json.writeValueAsString(profile.attributes()))
                .param("now", Timestamp.from(now))
                .query(Boolean.class)
                .single();
    }

    public Optional<Customer> find(String tenantId, String customerId) {
        return jdbc.sql("SELECT * FROM customers WHERE tenant_id = :tenant AND customer_id = :id")
                .param("tenant", tenantId)
                .param("id", customerId)
                .query(this::map)
                .optional();
    }

    private Customer map(ResultSet rs, int row) throws SQLException {
        return new Customer(
                rs.getString("customer_id"),
                rs.getString("email"),
                rs.getString("phone"),
                json.readValue(rs.getString("push_tokens"), TOKENS),
                rs.getString("time_zone"),
                rs.getString("locale"),
                json.readValue(rs.getString("attributes"), ATTRIBUTES),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
