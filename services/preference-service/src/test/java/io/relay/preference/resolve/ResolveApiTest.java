package io.relay.preference.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.preference.PreferenceServiceTestBase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The one call routing makes, and the cache behind it that must never serve a stale choice. */
class ResolveApiTest extends PreferenceServiceTestBase {

    @BeforeEach
    void setUp() {
        category("appointments", "transactional", "sms", "push", "email");
        category("offers", "marketing", "email");
        customer(
                "c-1",
                "{\"email\":\"ana@example.org\",\"pushTokens\":[{\"token\":\"tok-a\",\"platform\":\"ios\"}],"
                        + "\"timeZone\":\"Asia/Kolkata\",\"locale\":\"en-IN\"}");
    }

    private JsonNode resolved(String category) {
        var response = api.get("/internal/v1/customers/c-1/resolved?category=" + category);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return read(response.body());
    }

    @Test
    void oneCallGivesChannelsInOrderWithAddressesWhatIsLeftOutAndTheTimingRules() {
        api.put(
                "/v1/customers/c-1/preferences",
                "{\"quietHours\":{\"start\":\"21:30\",\"end\":\"08:00\"},\"source\":\"app\"}");

        JsonNode r = resolved("appointments");

        assertThat(r.get("channels").findValuesAsString("channel")).containsExactly("push", "email");
        assertThat(r.get("channels").get(0).get("addresses").get(0).asString()).isEqualTo("tok-a");
        assertThat(r.get("channels").get(1).get("addresses").get(0).asString()).isEqualTo("ana@example.org");
        assertThat(r.get("excluded").get(0).get("channel").asString()).isEqualTo("sms");
        assertThat(r.get("excluded").get(0).get("reason").asString()).isEqualTo("no phone number on file");
        assertThat(r.get("timeZone").asString()).isEqualTo("Asia/Kolkata");
        assertThat(r.get("quietHours").get("start").asString()).isEqualTo("21:30");
        assertThat(r.get("frequencyCap").get("max").asInt()).isEqualTo(3);
        assertThat(r.get("urgentAllowed").asBoolean()).isTrue();
        assertThat(r.get("kind").asString()).isEqualTo("transactional");
    }

    @Test
    void marketingWithoutOptInResolvesToNothingAndSaysWhy() {
        JsonNode r = resolved("offers");

        assertThat(r.get("channels").size()).isZero();
        assertThat(r.get("excluded").get(0).get("reason").asString()).contains("no opt-in to email");
    }

    @Test
    void aChangeIsSeenByTheVeryNextCallDespiteTheCache() {
        assertThat(resolved("appointments").get("channels").findValuesAsString("channel"))
                .contains("email");
        resolved("appointments"); // now certainly cached

        api.put(
                "/v1/customers/c-1/preferences",
                "{\"categories\":{\"appointments\":{\"channels\":[\"push\"]}},\"source\":\"app\"}");
        assertThat(resolved("appointments").get("channels").findValuesAsString("channel"))
                .containsExactly("push");

        api.put("/v1/customers/c-1", "{\"email\":\"ana@example.org\",\"timeZone\":\"Europe/Lisbon\"}");
        JsonNode afterProfile = resolved("appointments");
        assertThat(afterProfile.get("timeZone").asString()).isEqualTo("Europe/Lisbon");
        assertThat(afterProfile.get("channels").size())
                .as("the only push token is gone")
                .isZero();

        category("appointments", "transactional", "email");
        api.put(
                "/v1/customers/c-1/preferences",
                "{\"categories\":{\"appointments\":{\"channels\":[\"email\"]}},\"source\":\"app\"}");
        assertThat(resolved("appointments").get("channels").findValuesAsString("channel"))
                .containsExactly("email");
    }

    @Test
    void unknownCustomerOrCategoryIs404() {
        assertThat(api.get("/internal/v1/customers/nobody/resolved?category=appointments")
                        .statusCode())
                .isEqualTo(404);
        assertThat(api.get("/internal/v1/customers/c-1/resolved?category=nothing")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void manyQuestionsInOneCallAreAnsweredInOrderAsTheOneCustomerCallWould() {
        var response = api.post("/internal/v1/resolved", """
                {"questions":[{"customerId":"c-1","category":"appointments"},
                              {"customerId":"nobody","category":"appointments"},
                              {"customerId":"c-1","category":"nothing"},
                              {"customerId":"c-1","category":"offers"}]}
                """);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answers = read(response.body()).get("answers");
        assertThat(answers.size()).isEqualTo(4);
        assertThat(answers.get(0).get("choices")).isEqualTo(resolved("appointments"));
        assertThat(answers.get(1).get("unknown").asString()).contains("nobody");
        assertThat(answers.get(2).get("unknown").asString()).contains("nothing");
        assertThat(answers.get(3).get("choices")).isEqualTo(resolved("offers"));
        // another tenant's key finds none of this tenant's customers
        JsonNode foreign = read(tenantClient(tenant + "-other")
                        .post(
                                "/internal/v1/resolved",
                                "{\"questions\":[{\"customerId\":\"c-1\",\"category\":\"appointments\"}]}")
                        .body())
                .get("answers");
        assertThat(foreign.get(0).has("unknown")).isTrue();
    }

    @Test
    void aBadBatchIsA400NamingTheQuestion() {
        var missing = api.post("/internal/v1/resolved", "{\"questions\":[{\"customerId\":\"c-1\"}]}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("questions[0].category");
        StringBuilder many = new StringBuilder("{\"questions\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{\"customerId\":\"c-1\",\"category\":\"offers\"}");
        }
        var tooMany = api.post("/internal/v1/resolved", many.append("]}").toString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("\"questions\"");
    }
}
