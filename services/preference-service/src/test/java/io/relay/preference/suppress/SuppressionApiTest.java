package io.relay.preference.suppress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.preference.PreferenceServiceTestBase;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** {@code GET /v1/suppressions} and {@code DELETE /v1/suppressions/{channel}/{address}}, as a business uses them. */
class SuppressionApiTest extends PreferenceServiceTestBase {

    private static final String NUMBER = "+31612345678";

    @Autowired
    ConfirmingPublisher publisher;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    SuppressionList list;

    @BeforeEach
    void setUp() {
        category("appointments", "transactional", "sms", "email");
        customer("c-1", "{\"phone\":\"" + NUMBER + "\",\"email\":\"Ann@Example.org\"}");
    }

    private void stop(String number) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.contactKey(ContactEvent.Kind.SMS_OPT_OUT),
                Envelope.of(
                        "ct_" + UUID.randomUUID(),
                        tenant,
                        new ContactEvent(ContactEvent.Kind.SMS_OPT_OUT, number, "STOP", null, Instant.now()),
                        null,
                        Instant.now()),
                Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> listed("?channel=sms&address=" + encoded(number)).size() == 1);
    }

    private static String encoded(String address) {
        return java.net.URLEncoder.encode(address, java.nio.charset.StandardCharsets.UTF_8);
    }

    private JsonNode listed(String query) {
        HttpResponse<String> response = api.get("/v1/suppressions" + query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return read(response.body()).get("suppressions");
    }

    private List<String> resolvedChannels(String customer) {
        return read(api.get("/internal/v1/customers/" + customer + "/resolved?category=appointments")
                        .body())
                .get("channels")
                .findValuesAsString("channel");
    }

    private int rows() {
        return jdbc.sql("SELECT count(*) FROM " + SCHEMA + ".suppression_events WHERE tenant_id = :t")
                .param("t", tenant)
                .query(Integer.class)
                .single();
    }

    @Test
    void aStoppedNumberIsListedWithWhyAndByWhomAndOnlyForItsTenant() {
        stop(NUMBER);

        JsonNode entry = listed("").get(0);
        assertThat(entry.get("channel").asString()).isEqualTo("sms");
        assertThat(entry.get("address").asString()).isEqualTo(NUMBER);
        assertThat(entry.get("reason").asString()).isEqualTo("STOP");
        assertThat(entry.get("scope").asString()).isEqualTo("all");
        assertThat(entry.get("source").asString()).isEqualTo("sms-keyword");
        assertThat(entry.get("since").asString()).isNotBlank();
        assertThat(listed("?channel=email")).isEmpty();

        Http other = tenantClient(tenant + "-other");
        assertThat(read(other.get("/v1/suppressions").body()).get("suppressions"))
                .isEmpty();
        HttpResponse<String> foreignLift = other.send(
                "DELETE", "/v1/suppressions/sms/" + NUMBER, "{\"evidence\":\"asked by phone\"}", java.util.Map.of());
        assertThat(foreignLift.statusCode())
                .as("another tenant's list is not found")
                .isEqualTo(404);
        assertThat(listed("")).hasSize(1);
    }

    @Test
    void aLiftNeedsEvidenceAndIsRecordedWithItAndTheKeyThatActed() {
        stop(NUMBER);
        int before = rows();

        for (String body :
                new String[] {"", "{}", "{\"evidence\":\"  \"}", "{\"evidence\":\"" + "x".repeat(2001) + "\"}"}) {
            HttpResponse<String> refused = api.send(
                    "DELETE", "/v1/suppressions/sms/" + NUMBER, body.isEmpty() ? null : body, java.util.Map.of());
            assertThat(refused.statusCode()).as(body).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(refused.body()).contains("evidence");
        }
        assertThat(api.send("DELETE", "/v1/suppressions/fax/" + NUMBER, "{\"evidence\":\"x\"}", java.util.Map.of())
                        .body())
                .contains("channel");
        assertThat(rows()).as("nothing changed").isEqualTo(before);
        // STOP also withdrew c-1's SMS consent; c-3 got the number later and never said no
        customer("c-3", "{\"phone\":\"" + NUMBER + "\"}");
        assertThat(resolvedChannels("c-3")).doesNotContain("sms");

        HttpResponse<String> lifted = api.header("X-Tenant-Key-Id", "k_acme0001")
                .send(
                        "DELETE",
                        "/v1/suppressions/sms/" + NUMBER,
                        "{\"evidence\":\"customer re-subscribed at the counter, form 2231\"}",
                        java.util.Map.of());

        assertThat(lifted.statusCode()).as(lifted.body()).isEqualTo(204);
        assertThat(listed("")).isEmpty();
        assertThat(resolvedChannels("c-3")).as("usable again at once").contains("sms");
        // the suppression list's own ledger, as the customer's export shows it
        List<SuppressionList.SuppressionChange> history = list.history(tenant, "sms", List.of(NUMBER));
        assertThat(history)
                .extracting(SuppressionList.SuppressionChange::suppressed)
                .containsExactly(true, false);
        SuppressionList.SuppressionChange lift = history.getLast();
        assertThat(lift.source()).isEqualTo("business-api");
        assertThat(lift.evidence()).isEqualTo("customer re-subscribed at the counter, form 2231");
        assertThat(lift.actor()).isEqualTo("k_acme0001");

        assertThat(api.send("DELETE", "/v1/suppressions/sms/" + NUMBER, "{\"evidence\":\"again\"}", java.util.Map.of())
                        .statusCode())
                .as("nothing left to lift")
                .isEqualTo(404);
    }

    @Test
    void aBusinessPutsItsOwnNoOnTheListAndItHoldsForEveryCustomerWithTheAddress() {
        HttpResponse<String> refused = api.put("/v1/suppressions/email/ann@example.org", "{}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"reason\"");
        HttpResponse<String> badScope =
                api.put("/v1/suppressions/email/ann@example.org", "{\"reason\":\"x\",\"scope\":\"weekends\"}");
        assertThat(badScope.statusCode()).isEqualTo(400);
        assertThat(badScope.body()).contains("\"scope\"");
        assertThat(listed("")).isEmpty();
        assertThat(resolvedChannels("c-1")).contains("email");

        HttpResponse<String> added = api.header("X-Tenant-Key-Id", "k_import01")
                .put("/v1/suppressions/email/ANN@example.org", "{\"reason\":\"imported from our old platform\"}");

        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(read(added.body()).get("address").asString()).isEqualTo("ann@example.org");
        assertThat(resolvedChannels("c-1"))
                .as("Ann@Example.org is the same address")
                .doesNotContain("email");
        assertThat(api.put("/v1/suppressions/email/ann@example.org", "{\"reason\":\"again\"}")
                        .statusCode())
                .as("already there: nothing new")
                .isEqualTo(200);
        assertThat(list.history(tenant, "email", List.of("ann@example.org")))
                .singleElement()
                .satisfies(change -> assertThat(change.actor()).isEqualTo("k_import01"));
    }

    @Test
    void aBadQueryIsA400NamingTheParameter() {
        for (String[] bad : new String[][] {
            {"?channel=fax", "channel"},
            {"?limit=0", "limit"},
            {"?limit=1001", "limit"},
            {"?limit=ten", "limit"},
            {"?address=" + encoded(NUMBER), "address"},
            {"?after=not-a-cursor", "after"},
            {"?tenant=someone-else", "tenant"}
        }) {
            HttpResponse<String> response = api.get("/v1/suppressions" + bad[0]);
            assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(response.body()).as(bad[0]).contains("\"" + bad[1] + "\"");
        }
    }

    @Test
    void aLongListComesInPagesThatMissNothing() {
        for (int i = 0; i < 5; i++) {
            customer("c-p" + i, "{\"phone\":\"+3161234560" + i + "\"}");
            stop("+3161234560" + i);
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page = read(api.get("/v1/suppressions?limit=2" + (next == null ? "" : "&after=" + next))
                    .body());
            page.get("suppressions").forEach(s -> seen.add(s.get("address").asString()));
            next = page.get("next").isNull() ? null : page.get("next").asString();
            pages++;
        } while (next != null && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5);
    }

    @Test
    void anErasedCustomersStoppedNumberStaysSuppressedByItsHashAlone() {
        stop(NUMBER);

        assertThat(api.delete("/v1/customers/c-1").statusCode()).isEqualTo(204);

        assertThat(jdbc.sql("SELECT count(*) FROM " + SCHEMA + ".suppression_events WHERE address = :a")
                        .param("a", NUMBER)
                        .query(Integer.class)
                        .single())
                .as("no plain number left")
                .isZero();
        JsonNode entry = listed("?channel=sms&address=" + encoded(NUMBER)).get(0);
        assertThat(entry.get("address").isNull()).isTrue();
        // a business brings the number back for a new profile: the "no" still holds
        customer("c-9", "{\"phone\":\"" + NUMBER + "\"}");
        assertThat(resolvedChannels("c-9")).doesNotContain("sms");
    }
}
