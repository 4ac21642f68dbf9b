package io.relay.preference.preference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relay.preference.PreferenceServiceTestBase;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

class PreferencesApiTest extends PreferenceServiceTestBase {

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void setUp() {
        category("appointments", "transactional", "sms", "push", "email");
        category("offers", "marketing", "email", "sms");
        customer("c-1", "{\"email\":\"ana@example.org\",\"phone\":\"+31612345678\",\"timeZone\":\"Europe/Amsterdam\"}");
    }

    private List<String> channels(JsonNode prefs, String category) {
        return prefs.get("categories")
                .get(category)
                .get("channels")
                .valueStream()
                .map(JsonNode::asString)
                .toList();
    }

    @Test
    void transactionalIsOnByDefaultAndMarketingNeedsAnOptIn() {
        JsonNode prefs = read(api.get("/v1/customers/c-1/preferences").body());

        assertThat(channels(prefs, "appointments")).containsExactly("sms", "push", "email");
        assertThat(channels(prefs, "offers")).isEmpty();
    }

    @Test
    void preferencesWithQuietHoursAreKeptAndEveryChangeIsInTheLedger() {
        HttpResponse<String> put =
                api.header("X-Tenant-Key-Id", "k_callcent").put("/v1/customers/c-1/preferences", """
                { "categories": { "appointments": { "channels": ["email", "sms"] },
                                  "offers": { "channels": ["email"] } },
                  "quietHours": { "start": "22:00", "end": "07:30" },
                  "deliveryWindow": { "days": ["MON","TUE","WED","THU","FRI"], "start": "09:00", "end": "18:00" },
                  "source": "call-centre" }
                """);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);

        JsonNode prefs = read(api.get("/v1/customers/c-1/preferences").body());
        assertThat(channels(prefs, "appointments")).containsExactly("email", "sms");
        assertThat(channels(prefs, "offers")).containsExactly("email");
        assertThat(prefs.get("quietHours").get("start").asString()).isEqualTo("22:00");
        assertThat(prefs.get("quietHours").get("end").asString()).isEqualTo("07:30");
        assertThat(prefs.get("deliveryWindow").get("days").size()).isEqualTo(5);
        assertThat(read(api.get("/v1/customers/c-1").body())
                        .get("preferences")
                        .get("quietHours")
                        .get("end")
                        .asString())
                .isEqualTo("07:30");

        JsonNode ledger = read(api.get("/v1/customers/c-1/consents").body());
        // appointments: push withdrawn (sms, email were already on); offers: email granted
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(ledger.findValuesAsString("source")).containsOnly("business-api");
        assertThat(ledger.findValuesAsString("statedSource")).containsOnly("call-centre");
        assertThat(ledger.findValuesAsString("apiKeyId"))
                .as("the key that acted, as the gateway named it")
                .containsOnly("k_callcent")
                .hasSize(2);
        assertThat(ledger.valueStream()
                        .map(e -> e.get("category").asString() + "/"
                                + e.get("channel").asString() + "="
                                + e.get("granted").asBoolean())
                        .toList())
                .containsExactlyInAnyOrder("appointments/push=false", "offers/email=true");
        assertThat(ledger.get(0).get("at").asString()).isEqualTo("2026-11-27T09:00:00Z");
    }

    @Test
    void badInputNamesEveryFieldAndChangesNothing() {
        HttpResponse<String> put = api.put("/v1/customers/c-1/preferences", """
                { "categories": { "appointments": { "channels": ["pigeon"] }, "nope": { "channels": [] } },
                  "quietHours": { "start": "25:00", "end": "07:30" },
                  "deliveryWindow": { "days": ["MON", "XYZ"], "start": "18:00", "end": "09:00" } }
                """);

        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(read(put.body()).get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder(
                        "categories.appointments.channels[0]",
                        "categories.nope",
                        "quietHours.start",
                        "deliveryWindow.days[1]",
                        "deliveryWindow",
                        "source");
        assertThat(read(api.get("/v1/customers/c-1/consents").body()).size()).isZero();
        assertThat(read(api.get("/v1/customers/c-1/preferences").body())
                        .get("quietHours")
                        .isNull())
                .isTrue();
    }

    @Test
    void unknownFieldsAndAnotherTenantsCustomerAreRefused() {
        HttpResponse<String> unknown =
                api.put("/v1/customers/c-1/preferences", "{ \"source\": \"web\", \"optInEverything\": true }");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(read(unknown.body()).get("errors").get(0).get("field").asString())
                .isEqualTo("optInEverything");

        var other = tenantClient(tenant + "-b");
        assertThat(other.get("/v1/customers/c-1/preferences").statusCode()).isEqualTo(404);
        assertThat(other.get("/v1/customers/c-1/consents").statusCode()).isEqualTo(404);
        assertThat(other.put("/v1/customers/c-1/preferences", "{\"source\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void theLedgerCannotBeRewrittenOrDeleted() {
        api.put(
                "/v1/customers/c-1/preferences",
                "{ \"categories\": { \"offers\": { \"channels\": [\"email\"] } }, \"source\": \"web-form\" }");

        assertThatThrownBy(() -> jdbc.sql("UPDATE " + SCHEMA + ".consent_ledger SET granted = false")
                        .update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() ->
                        jdbc.sql("DELETE FROM " + SCHEMA + ".consent_ledger").update())
                .hasMessageContaining("append-only");
        assertThat(read(api.get("/v1/customers/c-1/consents").body())
                        .get(0)
                        .get("granted")
                        .asBoolean())
                .isTrue();
    }
}
