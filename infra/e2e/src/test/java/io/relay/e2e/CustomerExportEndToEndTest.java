package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import io.relay.testsupport.TestNames;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /v1/customers/{id}/export through the gateway, against the six services: everything held about
 * one customer in one document (profile, preferences, consents, suppressions, messages with their
 * timelines), nothing of another tenant's, and nothing at all once the customer is erased.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomerExportEndToEndTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private RunningSystem system;
    private Http business;

    @BeforeAll
    void system() {
        system = RunningSystem.shared();
        business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        assertThat(business.put(
                                "/v1/categories/newsletter",
                                "{\"description\":\"Newsletter\",\"kind\":\"marketing\",\"defaultChannels\":[\"email\"]}")
                        .statusCode())
                .isIn(200, 201);
    }

    private JsonNode read(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    @Test
    void anExportHoldsTheProfileThePreferencesTheLedgerAndEveryMessageWithItsTimeline() {
        String customer = TestNames.unique("c-export");
        assertThat(business.put("/v1/customers/" + customer, "{\"email\":\"eve@example.org\",\"timeZone\":\"UTC\"}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(business.put(
                                "/v1/customers/" + customer + "/preferences",
                                "{\"categories\":{\"newsletter\":{\"channels\":[\"email\"]}},\"source\":\"call-centre\"}")
                        .statusCode())
                .isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> sent = business.post(
                    "/v1/messages",
                    "{\"customerId\":\"" + customer + "\",\"category\":\"newsletter\","
                            + "\"content\":{\"email\":{\"subject\":\"Receipt\",\"text\":\"Thank you\"}}}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            ids.add(read(sent).get("id").asString());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ids.stream()
                        .allMatch(id -> read(business.get("/v1/messages/" + id))
                                .get("status")
                                .asString()
                                .equals("sent")));

        HttpResponse<String> export = business.get("/v1/customers/" + customer + "/export");

        assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
        JsonNode document = read(export);
        assertThat(document.propertyNames())
                .containsExactly("profile", "preferences", "consents", "suppressions", "messages");
        assertThat(document.get("profile").get("email").asString()).isEqualTo("eve@example.org");
        assertThat(document.get("preferences").get("categories").has("newsletter"))
                .isTrue();
        assertThat(document.get("consents").findValuesAsString("statedSource")).contains("call-centre");
        assertThat(document.get("suppressions").isArray()).isTrue();
        assertThat(document.get("messages").findValuesAsString("id"))
                .as(export.body())
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(document.get("messages").get(0).get("timeline").findValuesAsString("event"))
                .contains("accepted", "dispatched", "sent");

        Http other = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + newTenantKey());
        assertThat(other.get("/v1/customers/" + customer + "/export").statusCode())
                .as("another tenant's customer")
                .isEqualTo(404);

        assertThat(business.delete("/v1/customers/" + customer).statusCode()).isEqualTo(204);
        assertThat(business.get("/v1/customers/" + customer + "/export").statusCode())
                .as("erased: nothing left to export")
                .isEqualTo(404);
    }

    private String newTenantKey() {
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        HttpResponse<String> created = operator.post("/admin/tenants", "{\"name\":\"Export Other\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return read(created).get("apiKey").asString();
    }
}
