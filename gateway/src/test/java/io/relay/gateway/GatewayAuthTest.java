package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The gateway in front of a WireMock stand-in for the services. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-port=0",
            // this machine stands in for the ingress controller: its X-Forwarded-For names the client
            "relay.gateway.trusted-proxies=127.0.0.1/32",
            "relay.gateway.bootstrap-api-key=test-key-123456",
            "relay.gateway.bootstrap-tenant-id=acme",
            "relay.gateway.preference-centre-origin=https://prefs.acme.example",
            "spring.cloud.gateway.server.webflux.httpclient.response-timeout=1s"
        })
class GatewayAuthTest {

    private static final StandIns STAND_INS = new StandIns();
    private static final WireMockServer BACKEND = STAND_INS.services;

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        STAND_INS.register(registry);
    }

    @AfterAll
    static void stop() {
        BACKEND.stop();
    }

    @LocalServerPort
    int port;

    private Http client;

    @BeforeEach
    void stubs() {
        BACKEND.resetAll();
        BACKEND.stubFor(get(urlEqualTo("/v1/customers/c-1"))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        client = new Http("http://localhost:" + port);
    }

    @Test
    void aValidKeyReachesTheServiceWithTheKeysTenantReplacingWhatTheClientSent() {
        HttpResponse<String> response = client.header("Authorization", "Bearer test-key-123456")
                .header("X-Tenant-Id", "someone-else")
                .header("X-Tenant-Key-Id", "k_forged00")
                .header("X-Request-Id", "req-42")
                .get("/v1/customers/c-1");

        assertThat(response.statusCode()).isEqualTo(200);
        List<LoggedRequest> seen = BACKEND.findAll(getRequestedFor(urlEqualTo("/v1/customers/c-1")));
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().getHeaders().getHeader("X-Tenant-Id").values())
                .containsExactly("acme");
        assertThat(seen.getFirst().getHeaders().getHeader("X-Tenant-Key-Id").values())
                .as("who acted is the key's, never the client's say")
                .containsExactly("bootstrap");
        assertThat(seen.getFirst().getHeader("X-Request-Id")).isEqualTo("req-42");
        assertThat(seen.getFirst().getHeader("X-Internal-Token"))
                .as("the services' proof it came from here")
                .isNotBlank();
    }

    @Test
    void theKeyForwardingClaimsAndHopByHopHeadersStayAtTheGatewayAndTheServiceJoinsTheCallersTrace() {
        BACKEND.stubFor(get(urlEqualTo("/v1/customers/c-3"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("X-Customer-Version", "7")
                        .withHeader("Proxy-Authenticate", "Basic")
                        .withBody("{}")));
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callersSpan = "00f067aa0ba902b7";

        HttpResponse<String> response = client.header("Authorization", "Bearer test-key-123456")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("X-Forwarded-Host", "evil.example")
                .header("Forwarded", "for=203.0.113.9")
                .header("X-Internal-Token", "forged")
                .header("X-Tenant-Email-From", "ceo@bank.example")
                .header("Proxy-Authorization", "Basic c2VjcmV0")
                .header("X-Client-Note", "kept")
                .header("traceparent", "00-" + traceId + "-" + callersSpan + "-01")
                .get("/v1/customers/c-3");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Customer-Version")).hasValue("7");
        assertThat(response.headers().firstValue("Proxy-Authenticate"))
                .as("hop-by-hop: for the gateway, not the client")
                .isEmpty();
        LoggedRequest seen = BACKEND.findAll(getRequestedFor(urlEqualTo("/v1/customers/c-3")))
                .getFirst();
        assertThat(seen.getHeader("X-Client-Note")).isEqualTo("kept");
        assertThat(seen.containsHeader("Authorization"))
                .as("no service needs the API key")
                .isFalse();
        assertThat(seen.containsHeader("Proxy-Authorization")).isFalse();
        assertThat(seen.containsHeader("X-Forwarded-For")).isFalse();
        assertThat(seen.containsHeader("X-Forwarded-Host")).isFalse();
        assertThat(seen.containsHeader("Forwarded")).isFalse();
        assertThat(seen.containsHeader("X-Tenant-Email-From"))
                .as("the tenant has no emailFrom, and the client may not name one")
                .isFalse();
        assertThat(seen.getHeaders().getHeader("X-Internal-Token").values()).containsExactly(Http.LOCAL_INTERNAL_TOKEN);
        String[] traceparent = seen.getHeader("traceparent").split("-");
        assertThat(traceparent[1]).as("the caller's trace").isEqualTo(traceId);
        assertThat(traceparent[2])
                .as("the service's span is a child of the gateway's, not of the caller's")
                .isNotEqualTo(callersSpan)
                .hasSize(16);
    }

    @Test
    void headersTheClientsConnectionHeaderNamesStayAtTheGateway() throws Exception {
        // a raw request: Java's HTTP client will not send a Connection header of its own choosing
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET /v1/customers/c-1 HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Authorization: Bearer test-key-123456\r\nConnection: close, X-Hop\r\n"
                                    + "X-Hop: for the next hop only\r\nX-End: for the service\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer =
                    new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 200");
        }

        LoggedRequest seen = BACKEND.findAll(getRequestedFor(urlEqualTo("/v1/customers/c-1")))
                .getFirst();
        assertThat(seen.getHeader("X-End")).isEqualTo("for the service");
        assertThat(seen.containsHeader("X-Hop")).isFalse();
    }

    @Test
    void aServiceThatStaysSilentPastTheResponseTimeoutIs504Problem() {
        BACKEND.stubFor(get(urlEqualTo("/v1/customers/c-slow"))
                .willReturn(aResponse().withStatus(200).withBody("{}").withFixedDelay(3_000)));

        HttpResponse<String> response =
                client.header("Authorization", "Bearer test-key-123456").get("/v1/customers/c-slow");

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":504");
    }

    /** A GET through the gateway to a service that sends {@code body} in {@code chunks} pieces. */
    private HttpResponse<String> answeredInChunks(String path, String body, int chunks) {
        BACKEND.stubFor(get(urlEqualTo(path))
                .willReturn(aResponse().withStatus(200).withBody(body).withChunkedDribbleDelay(chunks, 5 * chunks)));
        return client.header("Authorization", "Bearer test-key-123456").get(path);
    }

    @Test
    void aSmallAnswerTheServiceSendsInChunksReachesTheClientWholeWithItsLength() {
        String json = "{\"customerId\":\"c-2\",\"name\":\"" + "x".repeat(2_000) + "\"}";

        HttpResponse<String> response = answeredInChunks("/v1/customers/c-2", json, 5);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(json);
        assertThat(response.headers().firstValue("Content-Length")).hasValue(Integer.toString(json.length()));
        assertThat(response.headers().firstValue("Transfer-Encoding")).isEmpty();
    }

    @Test
    void aLargeAnswerStillStreamsToTheClient() {
        String json = "{\"export\":\"" + "y".repeat(200_000) + "\"}";

        HttpResponse<String> response = answeredInChunks("/v1/customers/c-3", json, 20);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(json);
        assertThat(response.headers().firstValue("Transfer-Encoding"))
                .as("not held in the gateway")
                .hasValue("chunked");
    }

    @Test
    void aMissingKeyIs401ProblemAndNothingReachesTheService() {
        HttpResponse<String> response = client.get("/v1/customers/c-1");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("X-Request-Id")).isPresent();
        assertThat(BACKEND.getAllServeEvents()).isEmpty();
    }

    @Test
    void aWrongKeyIs401() {
        HttpResponse<String> response =
                client.header("Authorization", "Bearer test-key-654321").get("/v1/customers/c-1");

        assertThat(response.statusCode()).isEqualTo(401);
        BACKEND.verify(0, getRequestedFor(urlEqualTo("/v1/customers/c-1")).withHeader("X-Tenant-Id", equalTo("acme")));
    }

    @Test
    void customerLinkRoutesNeedNoKeyAndCannotCarryATenant() {
        BACKEND.stubFor(
                get(urlEqualTo("/preferences?token=abc")).willReturn(aResponse().withStatus(200)));

        HttpResponse<String> response = client.header("X-Tenant-Id", "forged")
                .header("Authorization", "Bearer whatever")
                .get("/preferences?token=abc");

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest seen = BACKEND.findAll(getRequestedFor(urlEqualTo("/preferences?token=abc")))
                .getFirst();
        assertThat(seen.containsHeader("X-Tenant-Id")).isFalse();
        assertThat(seen.containsHeader("Authorization")).isFalse();
    }

    @Test
    void twilioWebhooksPassWithoutAKeyForSmsServiceToCheckTheirSignature() {
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/webhooks/twilio/inbound"))
                .willReturn(aResponse().withStatus(200)));

        HttpResponse<String> response = client.header("X-Twilio-Signature", "abc")
                .header("X-Tenant-Id", "forged")
                .send(
                        "POST",
                        "/webhooks/twilio/inbound",
                        null,
                        java.util.Map.of("Content-Type", "application/x-www-form-urlencoded"));

        assertThat(response.statusCode()).isEqualTo(200);
        LoggedRequest seen = BACKEND.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        urlEqualTo("/webhooks/twilio/inbound")))
                .getFirst();
        assertThat(seen.getHeader("X-Twilio-Signature")).isEqualTo("abc");
        assertThat(seen.containsHeader("X-Tenant-Id")).isFalse();
    }

    @Test
    void internalPathsAreNotReachableThroughTheGateway() {
        HttpResponse<String> response = client.header("Authorization", "Bearer test-key-123456")
                .get("/internal/v1/customers/c-1/resolved?category=x");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(BACKEND.getAllServeEvents()).isEmpty();
    }

    @Test
    void anOversizedBodyIsRefusedAtTheGateway() {
        String huge = "{\"customerId\":\"" + "x".repeat(300 * 1024) + "\"}";
        HttpResponse<String> response =
                client.header("Authorization", "Bearer test-key-123456").post("/v1/messages", huge);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(BACKEND.getAllServeEvents()).isEmpty();
    }

    private HttpResponse<String> preflight(String path, String origin) {
        return client.send(
                "OPTIONS", path, null, java.util.Map.of("Origin", origin, "Access-Control-Request-Method", "PUT"));
    }

    @Test
    void onlyThePreferenceCentresOriginMayCallTheCustomersOwnApiFromABrowser() {
        HttpResponse<String> allowed = preflight("/v1/me/preferences?token=x", "https://prefs.acme.example");
        HttpResponse<String> evil = preflight("/v1/me/preferences?token=x", "https://evil.example");
        HttpResponse<String> businessApi = preflight("/v1/messages", "https://prefs.acme.example");

        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://prefs.acme.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(businessApi.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }

    @Test
    void linkRoutesAreLimitedPerClientAddressWithRetryAfter() {
        BACKEND.stubFor(get(urlEqualTo("/preferences?token=guess"))
                .willReturn(aResponse().withStatus(401)));
        // one client behind the trusted proxy; the other tests' requests come from the proxy itself
        Http guesser = new Http("http://localhost:" + port).header("X-Forwarded-For", "198.51.100.7, 203.0.113.77");

        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> response = guesser.get("/preferences?token=guess");
            if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            }
        }

        assertThat(limited).as("20 a second from one address").isGreaterThanOrEqualTo(20);
        assertThat(retryAfter).isEqualTo("1");
        assertThat(BACKEND.findAll(getRequestedFor(urlEqualTo("/preferences?token=guess"))))
                .hasSize(60 - limited);
        assertThat(new Http("http://localhost:" + port)
                        .header("X-Forwarded-For", "203.0.113.78")
                        .get("/preferences?token=guess")
                        .statusCode())
                .as("another client behind the same proxy is not held up")
                .isEqualTo(401);
    }
}
