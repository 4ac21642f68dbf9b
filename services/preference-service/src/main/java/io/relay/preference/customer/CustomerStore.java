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

    public void setTimeZone(String tenantId, String customerId, String zone, Instant now) {
        jdbc.sql(
                        "UPDATE customers SET time_zone = :zone, updated_at = :now WHERE tenant_id = :tenant AND customer_id = :id")
                .param("zone", zone)
                .param("now", Timestamp.from(now))
                .param("tenant", tenantId)
                .param("id", customerId)
                .update();
    }

    /** Customers of the tenant whose phone is this E.164 number. */
    public List<String> withPhone(String tenantId, String phone) {
        return jdbc.sql("SELECT customer_id FROM customers WHERE tenant_id = :tenant AND phone = :phone")
                .param("tenant", tenantId)
                .param("phone", phone)
                .query(String.class)
                .list();
    }

    /** Customers of the tenant with this email address, compared in lower case. */
    public List<String> withEmail(String tenantId, String email) {
        return jdbc.sql("SELECT customer_id FROM customers WHERE tenant_id = :tenant AND lower(email) = lower(:email)")
                .param("tenant", tenantId)
                .param("email", email)
                .query(String.class)
                .list();
    }

    /** Removes a phone number wherever the tenant's customers have it; returns those customers. */
    public List<String> removePhone(String tenantId, String phone) {
        return jdbc.sql("""
                        UPDATE customers SET phone = NULL WHERE tenant_id = :tenant AND phone = :phone
                        RETURNING customer_id
                        """)
                .param("tenant", tenantId)
                .param("phone", phone)
                .query(String.class)
                .list();
    }

    /** Removes a push token wherever the tenant's customers have it; returns those customers. */
    public List<String> removePushToken(String tenantId, String token) {
        return jdbc.sql("""
                        UPDATE customers SET push_tokens = (
                            SELECT COALESCE(jsonb_agg(t), '[]'::jsonb) FROM jsonb_array_elements(push_tokens) t
                            WHERE t->>'token' <> :token)
                        WHERE tenant_id = :tenant
                          AND push_tokens @> jsonb_build_array(jsonb_build_object('token', CAST(:token AS text)))
                        RETURNING customer_id
                        """)
                .param("tenant", tenantId)
                .param("token", token)
                .query(String.class)
                .list();
    }

    /**
     * Erasure: the ledger rows keep everything but who, which becomes a pseudonym; the customer, their
     * contacts, rankings and consent state are deleted. Returns false when there was no such customer.
     */
    public boolean erase(String tenantId, String customerId, String pseudonym) {
        jdbc.sql("SET LOCAL relay.erasure = 'on'").update();
        // the decisions stay, under the pseudonym; the address and browser they came from go
        jdbc.sql("""
                        UPDATE consent_ledger SET customer_ref = :pseudonym, ip_address = NULL, user_agent = NULL
                        WHERE tenant_id = :tenant AND customer_ref = :id
                        """)
                .param("pseudonym", pseudonym)
                .param("tenant", tenantId)
                .param("id", customerId)
                .update();
        jdbc.sql("SET LOCAL relay.erasure = 'off'").update();
        return jdbc.sql("DELETE FROM customers WHERE tenant_id = :tenant AND customer_id = :id")
                        .param("tenant", tenantId)
                        .param("id", customerId)
                        .update()
                == 1;
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
