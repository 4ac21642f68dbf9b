package io.relay.preference.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.preference.PreferenceServiceTestBase;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The customers API over real HTTP against the machine's PostgreSQL. */
class CustomerApiTest extends PreferenceServiceTestBase {

    private Http tenantA;
    private Http tenantB;

    @BeforeEach
    void clients() {
        tenantA = api;
        tenantB = tenantClient(tenant + "-other");
    }

    private static final String ANA = """
            { "email": "ana@example.org", "phone": "+31612345678",
              "pushTokens": [{ "token": "tok-1", "platform": "android" }],
              "timeZone": "Europe/Amsterdam", "locale": "nl-NL", "attributes": { "firstName": "Ana" } }
            """;

    @Test
    void aCustomerPutIsCreatedAndReadBack() {
        HttpResponse<String> created = tenantA.put("/v1/customers/c-42", ANA);
        assertThat(created.statusCode()).isEqualTo(201);

        HttpResponse<String> read = tenantA.get("/v1/customers/c-42");
        assertThat(read.statusCode()).isEqualTo(200);
        JsonNode body = read(read.body());
        assertThat(body.get("customerId").asString()).isEqualTo("c-42");
        assertThat(body.get("email").asString()).isEqualTo("ana@example.org");
        assertThat(body.get("phone").asString()).isEqualTo("+31612345678");
        assertThat(body.get("timeZone").asString()).isEqualTo("Europe/Amsterdam");
        assertThat(body.get("pushTokens").get(0).get("platform").asString()).isEqualTo("android");
        assertThat(body.get("attributes").get("firstName").asString()).isEqualTo("Ana");
    }

    @Test
    void aSecondPutReplacesTheProfile() {
        tenantA.put("/v1/customers/c-43", ANA);

        HttpResponse<String> replaced = tenantA.put("/v1/customers/c-43", "{ \"email\": \"new@example.org\" }");

        assertThat(replaced.statusCode()).isEqualTo(200);
        JsonNode body = read(tenantA.get("/v1/customers/c-43").body());
        assertThat(body.get("email").asString()).isEqualTo("new@example.org");
        assertThat(body.get("phone").isNull()).isTrue();
    }

    @Test
    void anotherTenantCannotSeeTheCustomer() {
        tenantA.put("/v1/customers/c-44", ANA);

        assertThat(tenantB.get("/v1/customers/c-44").statusCode()).isEqualTo(404);
    }

    @Test
    void badContactsAreRejectedWithEveryFieldNamedAndNothingIsStored() {
        HttpResponse<String> response = tenantA.put("/v1/customers/c-45", """
                { "email": "not-an-email", "phone": "0612345678", "timeZone": "Mars/Olympus",
                  "pushTokens": [{ "token": "t", "platform": "blackberry" }] }
                """);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = read(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("email", "phone", "timeZone", "pushTokens[0].platform");
        assertThat(tenantA.get("/v1/customers/c-45").statusCode()).isEqualTo(404);
    }

    @Test
    void exactlyTheTzDatabaseIdsAreTimeZonesUtcAmongThemNotOffsets() {
        for (String zone : new String[] {"UTC", "Etc/UTC", "America/New_York", "Asia/Kolkata"}) {
            HttpResponse<String> taken = tenantA.put(
                    "/v1/customers/c-zone", "{ \"email\": \"z@example.org\", \"timeZone\": \"" + zone + "\" }");
            assertThat(taken.statusCode()).as(zone + ": " + taken.body()).isIn(200, 201);
            assertThat(read(tenantA.get("/v1/customers/c-zone").body())
                            .get("timeZone")
                            .asString())
                    .isEqualTo(zone);
        }
        for (String zone : new String[] {"+02:00", "GMT+2", "utc", "Europe/Atlantis", ""}) {
            HttpResponse<String> refused = tenantA.put(
                    "/v1/customers/c-zone", "{ \"email\": \"z@example.org\", \"timeZone\": \"" + zone + "\" }");
            assertThat(refused.statusCode()).as(zone).isEqualTo(400);
            assertThat(read(refused.body()).get("errors").findValuesAsString("field"))
                    .containsExactly("timeZone");
            assertThat(read(tenantA.get("/v1/customers/c-zone").body())
                            .get("timeZone")
                            .asString())
                    .as("unchanged")
                    .isEqualTo("Asia/Kolkata");
        }
    }

    @Test
    void anAttributeWithALineBreakIsRefusedItWouldBecomeAHeaderInAnEmailSubject() {
        HttpResponse<String> response = tenantA.put(
                "/v1/customers/c-47",
                "{ \"email\": \"a@example.org\", \"attributes\": { \"firstName\": \"Eve\\r\\nBcc: x@example.org\" } }");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(read(response.body()).get("errors").findValuesAsString("field"))
                .containsExactly("attributes.firstName");
        assertThat(tenantA.get("/v1/customers/c-47").statusCode()).isEqualTo(404);
    }

    @Test
    void numbersThatPumpPaidSendsOrLieOutsideTheTenantsCountriesAreRefusedAndNothingIsStored() {
        java.util.Map<String, String> dutchOnly = java.util.Map.of("X-Tenant-Sms-Countries", "NL,BE");
        for (String[] refused : new String[][] {
            {"+449098790000", "premium-rate"}, // UK premium rate: refused for every tenant
            {"+448431234567", "premium-rate or shared-cost"}, // UK shared cost
            {"+31201234567", "fixed line"}, // an Amsterdam landline takes no SMS
        }) {
            HttpResponse<String> answer = tenantA.put("/v1/customers/c-pump", "{\"phone\":\"" + refused[0] + "\"}");
            assertThat(answer.statusCode()).as(refused[0]).isEqualTo(400);
            assertThat(read(answer.body()).get("errors").findValuesAsString("field"))
                    .containsExactly("phone");
            assertThat(answer.body()).contains(refused[1]);
        }
        HttpResponse<String> american =
                tenantA.send("PUT", "/v1/customers/c-pump", "{\"phone\":\"+14155550123\"}", dutchOnly);
        assertThat(american.statusCode()).isEqualTo(400);
        assertThat(american.body()).contains("US").contains("NL,BE");
        assertThat(tenantA.get("/v1/customers/c-pump").statusCode())
                .as("nothing stored")
                .isEqualTo(404);

        assertThat(tenantA.send("PUT", "/v1/customers/c-pump", "{\"phone\":\"+32470123456\"}", dutchOnly)
                        .statusCode())
                .as("a Belgian mobile, for a tenant that texts NL and BE")
                .isEqualTo(201);
    }

    @Test
    void unknownFieldsAreRejectedByName() {
        HttpResponse<String> response =
                tenantA.put("/v1/customers/c-46", "{ \"email\": \"a@example.org\", \"isAdmin\": true }");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = read(response.body());
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("isAdmin");
        assertThat(problem.get("errors").get(0).get("message").asString()).isEqualTo("unknown field");
    }

    @Test
    void malformedJsonIsAProblemNamingTheBody() {
        HttpResponse<String> response = tenantA.put("/v1/customers/c-47", "{ \"email\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(read(response.body()).get("errors").get(0).get("field").asString())
                .isEqualTo("body");
    }

    @Test
    void aTenantHeaderNotFromTheGatewayIsRefusedAndNothingIsRead() {
        tenantA.put("/v1/customers/c-48", ANA);

        var forged = new io.relay.testsupport.Http(baseUrl()).header("X-Tenant-Id", tenant);
        var wrongProof = forged.header("X-Internal-Token", "guess");

        assertThat(new io.relay.testsupport.Http(baseUrl())
                        .header("X-Tenant-Id", tenant)
                        .get("/v1/customers/c-48")
                        .statusCode())
                .isEqualTo(401);
        assertThat(wrongProof.get("/v1/customers/c-48").statusCode()).isEqualTo(401);
        assertThat(wrongProof
                        .put("/v1/customers/c-48", "{\"email\":\"evil@example.org\"}")
                        .statusCode())
                .isEqualTo(401);
        assertThat(read(tenantA.get("/v1/customers/c-48").body()).get("email").asString())
                .isEqualTo("ana@example.org");
    }
}
