package io.relay.preference.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.TestNames;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The customers API over real HTTP against the machine's PostgreSQL, in a schema of its own. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CustomerApiTest {

    private static final String SCHEMA = TestNames.schema("pref_test");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> LocalInfrastructure.postgresUrlInSchema(SCHEMA));
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
    }

    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();
    private Http tenantA;
    private Http tenantB;

    @BeforeEach
    void clients() {
        tenantA = new Http("http://localhost:" + port).header("X-Tenant-Id", "tenant-a");
        tenantB = new Http("http://localhost:" + port).header("X-Tenant-Id", "tenant-b");
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
        JsonNode body = json.readTree(read.body());
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
        JsonNode body = json.readTree(tenantA.get("/v1/customers/c-43").body());
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
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("email", "phone", "timeZone", "pushTokens[0].platform");
        assertThat(tenantA.get("/v1/customers/c-45").statusCode()).isEqualTo(404);
    }

    @Test
    void unknownFieldsAreRejectedByName() {
        HttpResponse<String> response =
                tenantA.put("/v1/customers/c-46", "{ \"email\": \"a@example.org\", \"isAdmin\": true }");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("isAdmin");
        assertThat(problem.get("errors").get(0).get("message").asString()).isEqualTo("unknown field");
    }

    @Test
    void malformedJsonIsAProblemNamingTheBody() {
        HttpResponse<String> response = tenantA.put("/v1/customers/c-47", "{ \"email\": ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body())
                        .get("errors")
                        .get(0)
                        .get("field")
                        .asString())
                .isEqualTo("body");
    }
}
