package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The customer's one place, tried as a business and a customer would, through the gateway: categories,
 * a customer, preferences with quiet hours, the ledger, the preference centre, and a one-click
 * unsubscribe that the very next message obeys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreferencesEndToEndTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private RunningSystem system;
    private Http business;
    private Http anonymous;

    @BeforeAll
    void system() {
        system = RunningSystem.shared();
        business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        anonymous = new Http(system.gatewayUrl());
        assertThat(business.put(
                                "/v1/categories/reminders",
                                "{\"description\":\"Reminders\",\"kind\":\"transactional\",\"defaultChannels\":[\"email\",\"sms\"]}")
                        .statusCode())
                .isIn(200, 201);
        assertThat(business.put(
                                "/v1/categories/offers",
                                "{\"description\":\"Offers\",\"kind\":\"marketing\",\"defaultChannels\":[\"email\"],"
                                        + "\"frequencyCap\":{\"max\":2,\"per\":\"P7D\"}}")
                        .statusCode())
                .isIn(200, 201);
    }

    private JsonNode read(HttpResponse<String> response) {
        return json.readTree(response.body());
    }

    private String send(String customerId, String category) {
        HttpResponse<String> response = business.post(
                "/v1/messages",
                "{\"customerId\":\"" + customerId + "\",\"category\":\"" + category
                        + "\",\"content\":{\"email\":{\"subject\":\"News\",\"text\":\"Hello\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return read(response).get("id").asString();
    }

    private JsonNode awaitFinal(String id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String status =
                    read(business.get("/v1/messages/" + id)).get("status").asString();
            return status.equals("sent") || status.equals("suppressed");
        });
        return read(business.get("/v1/messages/" + id));
    }

    @Test
    void aBusinessSetsPreferencesWithQuietHoursReadsThemBackAndSeesEveryChangeInTheLedger() {
        assertThat(business.put("/v1/customers/p-1", "{\"email\":\"p1@example.org\",\"timeZone\":\"Europe/Amsterdam\"}")
                        .statusCode())
                .isEqualTo(201);

        HttpResponse<String> put = business.put("/v1/customers/p-1/preferences", """
                { "categories": { "reminders": { "channels": ["email"] }, "offers": { "channels": ["email"] } },
                  "quietHours": { "start": "22:00", "end": "07:30" }, "source": "call-centre" }
                """);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        JsonNode customer = read(business.get("/v1/customers/p-1"));
        assertThat(customer.get("preferences").get("quietHours").get("start").asString())
                .isEqualTo("22:00");
        assertThat(customer.get("preferences")
                        .get("categories")
                        .get("offers")
                        .get("channels")
                        .get(0)
                        .asString())
                .isEqualTo("email");
        JsonNode ledger = read(business.get("/v1/customers/p-1/consents"));
        assertThat(ledger.valueStream()
                        .map(e -> e.get("category").asString() + "/"
                                + e.get("channel").asString() + "="
                                + e.get("granted").asBoolean() + " by "
                                + e.get("statedSource").asString())
                        .toList())
                .containsExactlyInAnyOrder("reminders/sms=false by call-centre", "offers/email=true by call-centre");
    }

    @Test
    void aOneClickUnsubscribeTakesEffectBeforeTheNextMessageIsRouted() throws Exception {
        business.put("/v1/customers/p-2", "{\"email\":\"p2@example.org\"}");
        business.put(
                "/v1/customers/p-2/preferences",
                "{\"categories\":{\"offers\":{\"channels\":[\"email\"]}},\"source\":\"checkout\"}");
        assertThat(awaitFinal(send("p-2", "offers")).get("status").asString()).isEqualTo("sent");

        JsonNode link = read(business.post(
                "/v1/customers/p-2/unsubscribe-links", "{\"category\":\"offers\",\"channel\":\"email\"}"));
        URI unsubscribe = URI.create(link.get("url").asString());
        HttpResponse<String> oneClick = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(system.gatewayUrl() + "/unsubscribe?" + unsubscribe.getRawQuery()))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(oneClick.statusCode()).isEqualTo(200);

        JsonNode next = awaitFinal(send("p-2", "offers"));
        assertThat(next.get("status").asString()).isEqualTo("suppressed");
        assertThat(next.get("timeline").get(1).get("reason").asString())
                .contains("customer turned off email for offers (one-click-unsubscribe)");
        assertThat(awaitFinal(send("p-2", "reminders")).get("status").asString())
                .as("other categories are untouched")
                .isEqualTo("sent");
    }

    @Test
    void aScheduledOfferEndsAtOnceWhenTheCustomerSaysNoWhileItWaits() {
        assertThat(business.put("/v1/customers/p-9", "{\"email\":\"p9@example.org\"}")
                        .statusCode())
                .isEqualTo(201);
        business.put(
                "/v1/customers/p-9/preferences",
                "{\"categories\":{\"offers\":{\"channels\":[\"email\"]}},\"source\":\"web\"}");
        HttpResponse<String> accepted = business.post(
                "/v1/messages",
                "{\"customerId\":\"p-9\",\"category\":\"offers\",\"sendAt\":\"2030-01-01T09:00:00Z\","
                        + "\"content\":{\"email\":{\"subject\":\"Sale\",\"text\":\"Later\"}}}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = read(accepted).get("id").asString();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> read(business.get("/v1/messages/" + id))
                        .get("status")
                        .asString()
                        .equals("scheduled"));

        // the scenario: the customer withdraws while it waits
        assertThat(business.put(
                                "/v1/customers/p-9/preferences",
                                "{\"categories\":{\"offers\":{\"channels\":[]}},\"source\":\"call-centre\"}")
                        .statusCode())
                .isEqualTo(200);

        // not in 2030: now
        await().atMost(Duration.ofSeconds(30))
                .until(() -> read(business.get("/v1/messages/" + id))
                        .get("status")
                        .asString()
                        .equals("suppressed"));
        JsonNode timeline = read(business.get("/v1/messages/" + id)).get("timeline");
        assertThat(timeline.get(timeline.size() - 1).get("reason").asString())
                .startsWith("the customer's choices changed while it waited");
    }

    @Test
    void thePreferenceCentreOpensFromItsLinkThroughTheGatewayWithoutAnApiKey() {
        business.put("/v1/customers/p-3", "{\"email\":\"p3@example.org\",\"timeZone\":\"Asia/Kolkata\"}");
        JsonNode link = read(business.post("/v1/customers/p-3/preference-links", null));
        String query = URI.create(link.get("url").asString()).getRawQuery();

        HttpResponse<String> page = anonymous.get("/preferences?" + query);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("How we may contact you")
                .contains("Asia/Kolkata")
                .contains("Reminders");
        assertThat(anonymous.get("/preferences?token=forged").statusCode()).isEqualTo(401);
    }

    @Test
    void badContactsUnknownFieldsAndUnknownIdsGetTheDocumentedErrorsAndChangeNothing() {
        assertProblem(business.put("/v1/customers/p-4", "{\"phone\":\"+31 6 1234\"}"), 400, "phone");
        assertProblem(business.put("/v1/customers/p-4", "{\"timeZone\":\"Europe/Atlantis\"}"), 400, "timeZone");
        assertProblem(business.put("/v1/customers/p-4", "{\"email\":\"a@example.org\",\"vip\":true}"), 400, "vip");
        assertThat(business.get("/v1/customers/p-4").statusCode()).isEqualTo(404);
        assertThat(business.get("/v1/customers/p-4/consents").statusCode()).isEqualTo(404);
        assertThat(business.put("/v1/customers/p-4/preferences", "{\"source\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
    }

    private void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(read(response).get("errors").findValuesAsString("field")).contains(field);
    }
}
