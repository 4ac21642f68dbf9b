package io.relay.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.relay.routing.webhook.TenantWebhooks;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.MutableClock;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The status webhook schedule, on a clock of its own (its day-long jumps must not move the other
 * tests' scheduler): retries on the clock with backoff for a day, the same event id every time, and
 * one tenant's slow endpoint holding up no other tenant.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(StatusWebhookScheduleTest.TestClock.class)
class StatusWebhookScheduleTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();
    private static final String SCHEMA = TestNames.schema("routing_hooks");
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private static final WireMockServer HOOKS =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    /** A business endpoint that answers slowly, on a server of its own so it holds up no other stub. */
    private static final WireMockServer SLOW_HOOKS = new WireMockServer(WireMockConfiguration.options()
            .dynamicPort()
            .containerThreads(40)
            .asynchronousResponseEnabled(true)
            .asynchronousResponseThreads(20));

    static {
        HOOKS.start();
        SLOW_HOOKS.start();
    }

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("spring.datasource.url", () -> LocalInfrastructure.postgresUrlInSchema(SCHEMA));
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
        registry.add("relay.preference-service-url", HOOKS::baseUrl);
        registry.add(
                "relay.webhooks.allowed-hosts", () -> "localhost:" + HOOKS.port() + ",localhost:" + SLOW_HOOKS.port());
        registry.add("relay.webhooks.poll-interval", () -> "50ms");
    }

    @AfterAll
    static void tearDown() {
        HOOKS.stop();
        SLOW_HOOKS.stop();
        VHOST.close();
    }

    @Autowired
    TenantWebhooks webhooks;

    private String tenantId;

    @BeforeEach
    void setUp() {
        HOOKS.resetAll();
        tenantId = TestNames.unique("tenant");
    }

    @Autowired
    io.relay.routing.webhook.WebhookDeliveries deliveries;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private void hook(String tenant, String path) {
        webhooks.remember(tenant, HOOKS.baseUrl() + path, "whsec_c2NoZWR1bGUtdGVzdA", 1, CLOCK.instant());
    }

    private int attemptsOf(String eventId) {
        return jdbc.sql("SELECT attempts FROM webhook_deliveries WHERE event_id = ?")
                .param(eventId)
                .query(Integer.class)
                .single();
    }

    @Test
    void aFailingEndpointIsRetriedOnTheClockWithBackoffForADayThenGivenUpAlwaysAsTheSameEvent() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        Instant start = CLOCK.instant();
        HOOKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/down"))
                .willReturn(aResponse().withStatus(500)));
        hook(tenantId, "/hooks/down");
        String eventId = "evt_" + TestNames.unique("down");
        deliveries.owe(eventId, tenantId, "message.status", "{\"type\":\"message.status\"}", start);

        List<Instant> attempts = new java.util.ArrayList<>();
        while (true) {
            int before = attempts.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> attemptsOf(eventId) > before);
            attempts.add(CLOCK.instant());
            boolean gaveUp = jdbc.sql("SELECT gave_up_at IS NOT NULL FROM webhook_deliveries WHERE event_id = ?")
                    .param(eventId)
                    .query(Boolean.class)
                    .single();
            if (gaveUp) {
                break;
            }
            Instant next = jdbc.sql("SELECT next_attempt_at FROM webhook_deliveries WHERE event_id = ?")
                    .param(eventId)
                    .query(java.sql.Timestamp.class)
                    .single()
                    .toInstant();
            // not a moment early
            CLOCK.set(next.minusSeconds(1));
            assertThat(attemptsOf(eventId)).isEqualTo(attempts.size());
            CLOCK.set(next);
        }

        assertThat(Duration.between(attempts.get(0), attempts.get(1))).isEqualTo(Duration.ofSeconds(30));
        assertThat(Duration.between(attempts.get(1), attempts.get(2))).isEqualTo(Duration.ofMinutes(1));
        assertThat(Duration.between(attempts.get(6), attempts.get(7))).isEqualTo(Duration.ofMinutes(32));
        assertThat(Duration.between(attempts.get(7), attempts.get(8)))
                .as("at most an hour")
                .isEqualTo(Duration.ofHours(1));
        assertThat(Duration.between(start, attempts.getLast())).isGreaterThanOrEqualTo(Duration.ofHours(24));
        var received = HOOKS.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/hooks/down")));
        assertThat(received).hasSize(attempts.size());
        assertThat(received)
                .allSatisfy(r -> assertThat(r.getHeader("webhook-id")).isEqualTo(eventId));
    }

    @Test
    void oneTenantsSlowEndpointDoesNotHoldUpAnotherTenantsWebhooks() {
        CLOCK.set(Instant.parse("2026-11-27T10:00:00Z"));
        SLOW_HOOKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/slow"))
                .willReturn(aResponse().withStatus(204).withFixedDelay(8_000)));
        HOOKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/quick"))
                .willReturn(aResponse().withStatus(204)));
        String slowTenant = TestNames.unique("slow");
        webhooks.remember(slowTenant, SLOW_HOOKS.baseUrl() + "/hooks/slow", "whsec_c2xvdw", 1, CLOCK.instant());
        hook(tenantId, "/hooks/quick");
        for (int i = 0; i < 12; i++) {
            deliveries.owe("evt_" + TestNames.unique("slow"), slowTenant, "message.status", "{}", CLOCK.instant());
        }
        String quick = "evt_" + TestNames.unique("quick");

        deliveries.owe(quick, tenantId, "message.status", "{}", CLOCK.instant());

        // the slow tenant's first answers are 8 s away; the other tenant's webhook does not wait for them
        await().atMost(Duration.ofSeconds(5)).until(() -> attemptsOf(quick) == 1);
        assertThat(HOOKS.findAll(
                        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/hooks/quick"))))
                .hasSize(1);
        jdbc.sql("UPDATE webhook_deliveries SET gave_up_at = now() WHERE tenant_id = ?")
                .param(slowTenant)
                .update();
    }

    @Test
    void aWebhookPointingInwardsIsRefusedAtEverySendAndNothingReachesIt() {
        HOOKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/hooks/inside"))
                .willReturn(aResponse().withStatus(204)));
        // stored before this version checked it, or a name that now answers with an inside address
        for (String url : List.of(
                "http://127.0.0.1:" + HOOKS.port() + "/hooks/inside",
                "https://127.0.0.1:" + HOOKS.port() + "/hooks/inside")) {
            String tenant = TestNames.unique("inside");
            webhooks.remember(tenant, url, "whsec_aW5zaWRl", 1, CLOCK.instant());
            String eventId = "evt_" + TestNames.unique("inside");
            deliveries.owe(eventId, tenant, "message.status", "{}", CLOCK.instant());

            await().atMost(Duration.ofSeconds(10)).until(() -> attemptsOf(eventId) == 1);
            assertThat(jdbc.sql("SELECT last_error FROM webhook_deliveries WHERE event_id = ?")
                            .param(eventId)
                            .query(String.class)
                            .single())
                    .as(url)
                    .containsAnyOf("must be https", "internal");
        }
        assertThat(HOOKS.findAll(
                        com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/hooks/inside"))))
                .isEmpty();
    }
}
