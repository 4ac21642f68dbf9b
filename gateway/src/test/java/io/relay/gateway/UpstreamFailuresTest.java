package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import io.relay.testsupport.Http;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway in front of a routing-service that is down (nothing listens on its port) and a
 * preference-service stand-in that drops connections: the caller hears 503 or 502 with what it means,
 * and the log hears of it once, not once per request.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-port=0",
            "relay.gateway.bootstrap-api-key=test-key-123456",
            "relay.gateway.bootstrap-tenant-id=acme"
        })
@ExtendWith(OutputCaptureExtension.class)
class UpstreamFailuresTest {

    private static final StandIns STAND_INS = new StandIns();
    private static final int NOTHING_LISTENS = closedPort();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        STAND_INS.register(registry);
        registry.add("ROUTING_SERVICE_URL", () -> "http://127.0.0.1:" + NOTHING_LISTENS);
    }

    @AfterAll
    static void stop() {
        STAND_INS.services.stop();
    }

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.relay.gateway.edge.UpstreamFailures failures;

    private final JsonMapper json = JsonMapper.builder().build();

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void messagesToARoutingServiceThatIsDownAre503WithRetryAfterAndOneLogLine(CapturedOutput output) {
        Http business = new Http("http://localhost:" + port).header("Authorization", "Bearer test-key-123456");
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = business.post(
                    "/v1/messages",
                    "{\"customerId\":\"c-1\",\"category\":\"news\",\"content\":{\"sms\":{\"text\":\"hi\"}}}");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            var problem = json.readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://relay.example/problems/unavailable");
            assertThat(problem.get("detail").asString()).contains("never got there, so nothing was done");
        }
        // the first at once, the others counted in a line every 10 s (one, if one fell due meanwhile)
        assertThat(output.getAll().split("now answered 503 \\(unreachable\\)", -1).length - 1)
                .as("twenty refusals, one line at once")
                .isEqualTo(1);
        assertThat(output.getAll()).doesNotContain("500 Server Error");
        failures.flush(); // what the every-10-s round would log now
        java.util.regex.Matcher counted = java.util.regex.Pattern.compile(
                        "(\\d+) more request\\(s\\) answered 503 \\(unreachable\\)")
                .matcher(output.getAll());
        int more = 0;
        while (counted.find()) {
            more += Integer.parseInt(counted.group(1));
        }
        assertThat(more).as("the nineteen after the first, counted").isEqualTo(19);
        assertThat(output.getAll().split("Connection refused", -1).length - 1)
                .as("no stack trace per refusal: the line at once and the counting line(s) name the cause")
                .isBetween(2, 3);
    }

    @Test
    void aServiceThatDropsTheConnectionBeforeAnsweringIs502SayingTheOutcomeIsUnknown() {
        Http business = new Http("http://localhost:" + port).header("Authorization", "Bearer test-key-123456");
        STAND_INS.services.stubFor(get(urlEqualTo("/v1/customers/c-reset"))
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        STAND_INS.services.stubFor(
                get(urlEqualTo("/v1/customers/c-empty")).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        for (String customer : java.util.List.of("c-reset", "c-empty")) {
            HttpResponse<String> response = business.get("/v1/customers/" + customer);

            assertThat(response.statusCode())
                    .as(customer + ": " + response.body())
                    .isEqualTo(502);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).isEmpty();
            var problem = json.readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://relay.example/problems/upstream-broken");
            assertThat(problem.get("detail").asString()).contains("may or may not have taken effect");
        }
    }
}
