package io.relay.preference;

import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import io.relay.testsupport.MutableClock;
import io.relay.testsupport.RabbitVhost;
import io.relay.testsupport.TestNames;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One running preference-service for all its API tests: the machine's PostgreSQL (a schema of its
 * own), Redis and RabbitMQ (a vhost of its own), and a clock the tests move. Each test uses its own
 * tenant, so tests never see each other's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(PreferenceServiceTestBase.TestClock.class)
public abstract class PreferenceServiceTestBase {

    protected static final String SCHEMA = TestNames.schema("pref_test");
    protected static final RabbitVhost VHOST = RabbitVhost.create();
    protected static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-27T09:00:00Z"));

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(VHOST::close));
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> LocalInfrastructure.postgresUrlInSchema(SCHEMA));
        registry.add("spring.flyway.schemas", () -> SCHEMA);
        registry.add("spring.flyway.default-schema", () -> SCHEMA);
        registry.add("rabbitmq.vhost", VHOST::name);
        registry.add("relay.public-base-url", () -> "https://relay.test");
    }

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JsonMapper json;

    protected String tenant;
    protected Http api;

    @BeforeEach
    void newTenant() {
        tenant = TestNames.unique("tenant");
        api = tenantClient(tenant);
    }

    protected Http tenantClient(String tenantId) {
        return Http.asGateway(baseUrl(), tenantId);
    }

    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected JsonNode read(String body) {
        return json.readTree(body);
    }

    protected void category(String name, String kind, String... channels) {
        String list = String.join("\",\"", channels);
        var response = api.put(
                "/v1/categories/" + name,
                "{\"description\":\"" + name + " messages\",\"kind\":\"" + kind + "\",\"defaultChannels\":[\"" + list
                        + "\"],\"urgentAllowed\":true,\"frequencyCap\":{\"max\":3,\"per\":\"P1D\"}}");
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.body());
        }
    }

    protected void customer(String id, String json) {
        var response = api.put("/v1/customers/" + id, json);
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.body());
        }
    }
}
