package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The gateway in front of a service that holds every connection the gateway may open to it (one per
 * event loop here): the requests that find no free connection within the pool's acquire timeout are
 * answered {@code 503 busy} with {@code Retry-After}, are not forwarded, and are not each a {@code 500}
 * with a stack trace in the log, which is what an overloaded routing-service made of them.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-port=0",
            "relay.gateway.bootstrap-api-key=test-key-123456",
            "relay.gateway.bootstrap-tenant-id=acme",
            "spring.cloud.gateway.server.webflux.httpclient.pool.max-connections=1",
            "spring.cloud.gateway.server.webflux.httpclient.pool.acquire-timeout=300"
        })
@ExtendWith(OutputCaptureExtension.class)
class BusyUpstreamTest {

    private static final StandIns STAND_INS = new StandIns();
    private static final int CONCURRENT = 8;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        STAND_INS.register(registry);
    }

    @AfterAll
    static void stop() {
        STAND_INS.services.stop();
    }

    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void requestsThatFindNoFreeConnectionAre503BusyAndNotForwarded(CapturedOutput output) throws Exception {
        STAND_INS.services.stubFor(get(urlEqualTo("/v1/customers/c-slow"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"customerId\":\"c-slow\"}")
                        .withFixedDelay(3_000)));
        Http business = new Http("http://localhost:" + port).header("Authorization", "Bearer test-key-123456");

        List<HttpResponse<String>> responses = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                sent.add(threads.submit(() -> business.get("/v1/customers/c-slow")));
            }
            for (Future<HttpResponse<String>> response : sent) {
                responses.add(response.get());
            }
        }

        List<HttpResponse<String>> answered =
                responses.stream().filter(r -> r.statusCode() == 200).toList();
        List<HttpResponse<String>> busy =
                responses.stream().filter(r -> r.statusCode() == 503).toList();
        // one connection per event loop: at most that many got through, every other one was turned away
        int loops = Runtime.getRuntime().availableProcessors();
        assertThat(answered).hasSizeBetween(1, Math.min(loops, CONCURRENT - 1));
        assertThat(answered.size() + busy.size())
                .as("every request answered 200 or 503: %s", responses)
                .isEqualTo(CONCURRENT);
        for (HttpResponse<String> response : busy) {
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            var problem = json.readTree(response.body());
            assertThat(problem.get("type").asString()).isEqualTo("https://relay.example/problems/busy");
            assertThat(problem.get("detail").asString()).contains("not forwarded, so nothing was done");
        }
        // nothing turned away reached the service
        STAND_INS.services.verify(answered.size(), getRequestedFor(urlEqualTo("/v1/customers/c-slow")));
        // one log line for the spell, no stack trace per request
        assertThat(output.getOut().lines().filter(l -> l.contains("requests now answered 503 (busy)")))
                .hasSize(1);
        assertThat(output.getOut()).doesNotContain("at reactor.netty.internal.shaded.reactor.pool");
        assertThat(output.getOut()).doesNotContain("500 Server Error");
    }
}
