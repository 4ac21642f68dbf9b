package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two tenants made by the operator through the gateway: each sees only its own customers, messages,
 * templates, categories and consent ledger; the other's ids are 404 and nothing of theirs changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private Http a;
    private Http b;
    private String messageOfA;
    private String keyIdOfA;

    @BeforeAll
    void twoTenants() {
        RunningSystem system = RunningSystem.shared();
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        String keyOfA = key(operator, "Tenant A");
        // rly_k_xxxxxxxx_<secret>: k_xxxxxxxx is the id the services record as who acted
        keyIdOfA = keyOfA.substring(4, 14);
        a = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + keyOfA);
        b = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + key(operator, "Tenant B"));
        assertThat(a.put("/v1/categories/news", "{\"kind\":\"marketing\",\"defaultChannels\":[\"email\"]}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(a.put("/v1/customers/shared-id", "{\"email\":\"a@example.org\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(a.put("/v1/customers/twin-id", "{\"email\":\"a-twin@example.org\"}")
                        .statusCode())
                .isEqualTo(201);
        a.put(
                "/v1/customers/shared-id/preferences",
                "{\"categories\":{\"news\":{\"channels\":[\"email\"]}},\"source\":\"web\"}");
        assertThat(a.put("/v1/suppressions/email/a-twin@example.org", "{\"reason\":\"asked us in a letter\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(a.put(
                                "/v1/templates/welcome",
                                "{\"defaultLocale\":\"en\",\"channels\":{\"email\":{\"en\":{\"subject\":\"Hi\",\"text\":\"Welcome\"}}}}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> sent = a.post(
                "/v1/messages",
                "{\"customerId\":\"shared-id\",\"category\":\"news\",\"sendAt\":\"2030-01-01T09:00:00Z\","
                        + "\"content\":{\"email\":{\"subject\":\"Later\",\"text\":\"Hello\"}}}");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
        messageOfA = json.readTree(sent.body()).get("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> json.readTree(a.get("/v1/messages/" + messageOfA).body())
                        .get("status")
                        .asString()
                        .equals("scheduled"));
    }

    private static String key(Http operator, String name) {
        HttpResponse<String> created = operator.post("/admin/tenants", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JsonMapper.builder()
                .build()
                .readTree(created.body())
                .get("apiKey")
                .asString();
    }

    @Test
    void anotherTenantsKeyFindsNothingOnEveryBusinessEndpoint() {
        assertThat(b.get("/v1/customers/shared-id").statusCode()).isEqualTo(404);
        assertThat(b.get("/v1/customers/shared-id/preferences").statusCode()).isEqualTo(404);
        assertThat(b.get("/v1/customers/shared-id/consents").statusCode()).isEqualTo(404);
        assertThat(b.post("/v1/customers/shared-id/preference-links", null).statusCode())
                .isEqualTo(404);
        assertThat(b.get("/v1/messages/" + messageOfA).statusCode()).isEqualTo(404);
        assertThat(json.readTree(b.get("/v1/messages?customerId=shared-id").body())
                        .size())
                .isZero();
        assertThat(b.get("/v1/templates/welcome").statusCode()).isEqualTo(404);
        assertThat(b.get("/v1/categories/news").statusCode()).isEqualTo(404);
        assertThat(json.readTree(b.get("/v1/suppressions").body()).get("suppressions"))
                .isEmpty();
    }

    @Test
    void anotherTenantCannotChangeOrDeleteAnything() {
        assertThat(b.delete("/v1/messages/" + messageOfA).statusCode()).isEqualTo(404);
        assertThat(b.delete("/v1/customers/shared-id").statusCode()).isEqualTo(404);
        assertThat(b.put("/v1/customers/shared-id/preferences", "{\"categories\":{},\"source\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
        assertThat(b.send(
                                "DELETE",
                                "/v1/suppressions/email/a-twin@example.org",
                                "{\"evidence\":\"trust me\"}",
                                java.util.Map.of())
                        .statusCode())
                .isEqualTo(404);

        assertThat(json.readTree(a.get("/v1/messages/" + messageOfA).body())
                        .get("status")
                        .asString())
                .isEqualTo("scheduled");
        JsonNode customer = json.readTree(a.get("/v1/customers/shared-id").body());
        assertThat(customer.get("email").asString()).isEqualTo("a@example.org");
        JsonNode consents =
                json.readTree(a.get("/v1/customers/shared-id/consents").body());
        assertThat(consents.size()).isEqualTo(1);
        assertThat(consents.get(0).get("actor").get("apiKeyId").asString())
                .as("the ledger names the key that acted, from the gateway")
                .isEqualTo(keyIdOfA);
        assertThat(json.readTree(a.get("/v1/suppressions?channel=email").body())
                        .get("suppressions")
                        .findValuesAsString("address"))
                .containsExactly("a-twin@example.org");
    }

    @Test
    void theSameIdInAnotherTenantIsAnotherCustomer() {
        assertThat(b.put("/v1/customers/twin-id", "{\"email\":\"b-twin@example.org\"}")
                        .statusCode())
                .isEqualTo(201);

        assertThat(json.readTree(b.get("/v1/customers/twin-id").body())
                        .get("email")
                        .asString())
                .isEqualTo("b-twin@example.org");
        assertThat(json.readTree(a.get("/v1/customers/twin-id").body())
                        .get("email")
                        .asString())
                .isEqualTo("a-twin@example.org");
    }
}
