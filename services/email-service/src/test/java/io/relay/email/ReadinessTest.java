package io.relay.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import io.relay.testsupport.Http;
import io.relay.testsupport.RabbitVhost;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Readiness tells Kubernetes the truth about the broker connection; liveness does not flap with it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ReadinessTest {

    private static final RabbitVhost VHOST = RabbitVhost.create();

    /** No tenant here has provider accounts of its own: every message goes through the platform's. */
    private static final io.relay.testsupport.GatewayStandIn GATEWAY =
            io.relay.testsupport.GatewayStandIn.withoutTenantAccounts();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        registry.add("relay.gateway-admin-url", GATEWAY::url);
        registry.add("rabbitmq.vhost", VHOST::name);
    }

    @AfterAll
    static void tearDown() {
        VHOST.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    Connection connection;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readinessReportsBrokerAndRedisAndGoesDownWithTheBrokerConnection() throws Exception {
        Http actuator = new Http("http://localhost:" + port);
        HttpResponse<String> ready = actuator.get("/actuator/health/readiness");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode components = json.readTree(ready.body()).get("components");
        assertThat(components.get("amqp").get("status").asString()).isEqualTo("UP");
        assertThat(components.get("redis").get("status").asString()).isEqualTo("UP");

        connection.close();

        HttpResponse<String> notReady = actuator.get("/actuator/health/readiness");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(json.readTree(notReady.body())
                        .get("components")
                        .get("amqp")
                        .get("status")
                        .asString())
                .isEqualTo("DOWN");
        assertThat(actuator.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
}
