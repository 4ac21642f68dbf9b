package io.relay.preference.category;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.preference.PreferenceServiceTestBase;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class CategoryApiTest extends PreferenceServiceTestBase {

    private static final String APPOINTMENTS = """
            { "description": "Appointment reminders", "kind": "transactional",
              "defaultChannels": ["sms", "push", "email"], "urgentAllowed": true,
              "frequencyCap": { "max": 3, "per": "P1D" } }
            """;

    @Test
    void aCategoryIsCreatedReadAndListed() {
        assertThat(api.put("/v1/categories/appointments", APPOINTMENTS).statusCode())
                .isEqualTo(201);
        assertThat(api.put("/v1/categories/appointments", APPOINTMENTS).statusCode())
                .isEqualTo(200);

        JsonNode one = read(api.get("/v1/categories/appointments").body());
        assertThat(one.get("kind").asString()).isEqualTo("transactional");
        assertThat(one.get("defaultChannels").valueStream().map(JsonNode::asString))
                .containsExactly("sms", "push", "email");
        assertThat(one.get("urgentAllowed").asBoolean()).isTrue();
        assertThat(one.get("frequencyCap").get("per").asString()).isEqualTo("P1D");
        assertThat(read(api.get("/v1/categories").body()).size()).isEqualTo(1);
    }

    @Test
    void badRulesAreRejectedFieldByFieldAndNothingIsStored() {
        HttpResponse<String> response = api.put("/v1/categories/offers", """
                { "kind": "spam", "defaultChannels": ["email", "fax", "email"],
                  "frequencyCap": { "max": 0, "per": "daily" } }
                """);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(read(response.body()).get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder(
                        "kind", "defaultChannels[1]", "defaultChannels[2]", "frequencyCap.max", "frequencyCap.per");
        assertThat(api.get("/v1/categories/offers").statusCode()).isEqualTo(404);
    }

    @Test
    void anotherTenantDoesNotSeeTheCategory() {
        api.put("/v1/categories/appointments", APPOINTMENTS);

        assertThat(tenantClient(tenant + "-b")
                        .get("/v1/categories/appointments")
                        .statusCode())
                .isEqualTo(404);
        assertThat(read(tenantClient(tenant + "-b").get("/v1/categories").body())
                        .size())
                .isZero();
    }
}
