package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.relay.gateway.admin.OperatorListener;
import io.relay.gateway.auth.Admissions;
import io.relay.testsupport.Http;
import io.relay.testsupport.MutableClock;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two gateway replicas on one Redis, as in production: each answers known keys from memory, yet a key
 * revoked or a setting changed through one holds at the other at once, and together they never admit
 * more than a tenant's limit in a second. The clock is the test's: memory never expires by itself here
 * unless the test moves time.
 */
class ReplicasShareKeysAndLimitsTest {

    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T10:00:00.100Z"));
    private static final WireMockServer BACKEND =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    private static ConfigurableApplicationContext one;
    private static ConfigurableApplicationContext two;

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @BeforeAll
    static void start() {
        BACKEND.start();
        one = replica();
        two = replica();
        awaitTrue(
                () -> one.getBean(Admissions.class).listening()
                        && two.getBean(Admissions.class).listening(),
                "both replicas listen to changes");
    }

    private static ConfigurableApplicationContext replica() {
        // arguments, not default properties: application.yml would win over those
        java.util.List<String> arguments = new java.util.ArrayList<>(GatewayDatabase.arguments(SCHEMA));
        arguments.addAll(java.util.List.of(
                "--server.port=0",
                "--relay.gateway.admin-port=0",
                "--relay.gateway.admin-token=operator-secret-token",
                "--ROUTING_SERVICE_URL=" + BACKEND.baseUrl(),
                "--PREFERENCE_SERVICE_URL=" + BACKEND.baseUrl()));
        return new SpringApplicationBuilder(GatewayApplication.class, TestClock.class)
                .run(arguments.toArray(String[]::new));
    }

    /** Both replicas share one database, as they share Redis. */
    private static final String SCHEMA = GatewayDatabase.newSchema();

    @AfterAll
    static void stop() {
        if (two != null) {
            two.close();
        }
        if (one != null) {
            one.close();
        }
        BACKEND.stop();
    }

    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void setUp() {
        BACKEND.resetAll();
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/v1/customers/.*"))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    private static String base(ConfigurableApplicationContext replica) {
        return "http://localhost:" + replica.getEnvironment().getProperty("local.server.port");
    }

    private static Http operator(ConfigurableApplicationContext replica) {
        return new Http("http://localhost:"
                        + replica.getBean(OperatorListener.class).port())
                .header("Authorization", "Bearer operator-secret-token");
    }

    private JsonNode tenant(String name) {
        HttpResponse<String> created = operator(one).post("/admin/tenants", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body());
    }

    private static HttpResponse<String> call(ConfigurableApplicationContext replica, String apiKey) {
        return new Http(base(replica))
                .header("Authorization", "Bearer " + apiKey)
                .get("/v1/customers/c-1");
    }

    /** Waits for what another replica hears through Redis; time stands still meanwhile. */
    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void aKeyRevokedThroughOneReplicaStopsAtTheOtherThoughItRememberedTheKey() {
        JsonNode acme = tenant("Acme");
        String key = acme.get("apiKey").asString();
        assertThat(call(two, key).statusCode()).isEqualTo(200);
        assertThat(call(two, key).statusCode()).as("answered from memory").isEqualTo(200);

        assertThat(operator(one)
                        .delete("/admin/tenants/" + acme.get("tenantId").asString() + "/api-keys/"
                                + acme.get("keyId").asString())
                        .statusCode())
                .isEqualTo(204);

        assertThat(call(one, key).statusCode())
                .as("on the replica that revoked it")
                .isEqualTo(401);
        awaitTrue(() -> call(two, key).statusCode() == 401, "the other replica refuses the revoked key");
    }

    @Test
    void aSettingChangedThroughOneReplicaTravelsFromTheOther() {
        JsonNode acme = tenant("Acme");
        String key = acme.get("apiKey").asString();
        assertThat(call(two, key).statusCode()).isEqualTo(200);

        operator(one)
                .send(
                        "PATCH",
                        "/admin/tenants/" + acme.get("tenantId").asString(),
                        "{\"smsFrom\":\"+15550001111\"}",
                        Map.of());

        awaitTrue(
                () -> call(two, key).statusCode() == 200
                        && BACKEND.findAll(getRequestedFor(urlPathMatching("/v1/customers/c-1"))
                                                .withHeader("X-Tenant-Sms-From", equalTo("+15550001111")))
                                        .size()
                                > 0,
                "the other replica sends the new sender");
    }

    @Test
    void twoReplicasTogetherNeverAdmitMoreThanTheTenantsLimitInASecond() {
        JsonNode busy = tenant("Busy");
        String key = busy.get("apiKey").asString();
        operator(one)
                .send("PATCH", "/admin/tenants/" + busy.get("tenantId").asString(), "{\"rateLimit\":100}", Map.of());
        CLOCK.set(CLOCK.instant().plusSeconds(10).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));

        int admitted = 0;
        String retryAfter = null;
        for (int i = 0; i < 160; i++) {
            HttpResponse<String> response = call(i % 2 == 0 ? one : two, key);
            if (response.statusCode() == 200) {
                admitted++;
            } else {
                assertThat(response.statusCode()).isEqualTo(429);
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            }
        }

        assertThat(admitted)
                .as("both replicas kept asking, so every token was used")
                .isEqualTo(100);
        assertThat(retryAfter).isEqualTo("1");
        CLOCK.advance(Duration.ofSeconds(1));
        assertThat(call(one, key).statusCode()).as("the next second").isEqualTo(200);
        assertThat(call(two, key).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyRemovedBehindTheGatewaysBackIsForgottenWithinTheMemoryTime() {
        JsonNode acme = tenant("Acme");
        String key = acme.get("apiKey").asString();
        assertThat(call(two, key).statusCode()).isEqualTo(200);

        // an operator deletes it in the database by hand: no replica hears of it
        one.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                .sql("DELETE FROM api_keys WHERE tenant_id = ?")
                .param(acme.get("tenantId").asString())
                .update();
        assertThat(call(two, key).statusCode()).as("still remembered").isEqualTo(200);

        CLOCK.advance(Duration.ofSeconds(11));
        assertThat(call(two, key).statusCode()).as("memory lasts 10 s").isEqualTo(401);
    }
}
