package io.relay.preference.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.relay.contracts.payload.CustomerChanged;
import io.relay.contracts.payload.CustomerErased;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.Queues;
import io.relay.preference.PreferenceServiceTestBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class ErasureTest extends PreferenceServiceTestBase {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Connection connection;

    @Autowired
    EnvelopeCodec codec;

    @Autowired
    redis.clients.jedis.JedisPooled redis;

    @Test
    void erasureDeletesContactsAndPreferencesKeepsAPseudonymisedLedgerAndTellsRouting() throws Exception {
        category("offers", "marketing", "email");
        customer("c-9", "{\"email\":\"gone@example.org\",\"phone\":\"+31612345678\"}");
        api.header("X-Tenant-Key-Id", "k_erasure1")
                .put(
                        "/v1/customers/c-9/preferences",
                        "{\"categories\":{\"offers\":{\"channels\":[\"email\"]}},\"source\":\"shop\"}");

        // routing asked for the customer's choices: cached in Redis, with the address
        assertThat(api.get("/internal/v1/customers/c-9/resolved?category=offers")
                        .statusCode())
                .isEqualTo(200);
        assertThat(redis.keys("preference:" + tenant + ":resolved:c-9:*")).isNotEmpty();

        assertThat(api.delete("/v1/customers/c-9").statusCode()).isEqualTo(204);

        assertThat(redis.keys("preference:" + tenant + ":resolved:c-9:*"))
                .as("the cached choices go at once")
                .isEmpty();

        assertThat(api.get("/v1/customers/c-9").statusCode()).isEqualTo(404);
        assertThat(api.get("/v1/customers/c-9/consents").statusCode()).isEqualTo(404);
        List<String> refs = jdbc.sql("SELECT customer_ref FROM " + SCHEMA + ".consent_ledger WHERE tenant_id = :t")
                .param("t", tenant)
                .query(String.class)
                .list();
        assertThat(jdbc.sql("SELECT api_key_id FROM " + SCHEMA + ".consent_ledger WHERE tenant_id = :t")
                        .param("t", tenant)
                        .query(String.class)
                        .list())
                .as("which key acted is the business's, and stays")
                .containsExactly("k_erasure1");
        assertThat(refs)
                .hasSize(1)
                .allSatisfy(ref -> assertThat(ref).startsWith("erased:").doesNotContain("c-9"));
        assertThat(jdbc.sql("SELECT count(*) FROM " + SCHEMA + ".consent_state WHERE tenant_id = :t")
                        .param("t", tenant)
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(redis.exists(io.relay.contracts.Suppressions.erasedKey(tenant, "c-9")))
                .as("the channel services refuse what is still on its way")
                .isTrue();
        CustomerErased erased = nextForTenant(CustomerErased.class);
        assertThat(erased.customerId()).isEqualTo("c-9");
        assertThat(erased.pseudonym()).isEqualTo(refs.getFirst());
    }

    @Test
    void aCustomerWhoTakesAChannelAwayIsAnnouncedToRoutingByIdAlone() throws Exception {
        category("offers", "marketing", "email");
        customer("c-10", "{\"email\":\"ann@example.org\"}");
        try (Channel channel = connection.createChannel()) {
            channel.queuePurge(Queues.ROUTING_CUSTOMER.name()); // the profile's own announcements
        }

        api.put(
                "/v1/customers/c-10/preferences",
                "{\"categories\":{\"offers\":{\"channels\":[]}},\"source\":\"call-centre\"}");

        CustomerChanged changed = nextForTenant(CustomerChanged.class);
        assertThat(changed.customerId()).isEqualTo("c-10");
        assertThat(changed.toString()).doesNotContain("ann@example.org");
    }

    /** The next event of this test's tenant on routing's customer queue, which must be of this type. */
    private <T> T nextForTenant(Class<T> type) throws Exception {
        try (Channel channel = connection.createChannel()) {
            Object[] seen = new Object[1];
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                GetResponse got = channel.basicGet(Queues.ROUTING_CUSTOMER.name(), true);
                if (got != null) {
                    var envelope = codec.decode(got.getProps(), got.getBody());
                    if (envelope.tenantId().equals(tenant) && type.isInstance(envelope.payload())) {
                        seen[0] = envelope.payload();
                    }
                }
                return seen[0] != null;
            });
            return type.cast(seen[0]);
        }
    }

    @Test
    void erasingSomeoneWhoIsNotThereIs404() {
        assertThat(api.delete("/v1/customers/nobody").statusCode()).isEqualTo(404);
    }
}
