package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One path, one decision: every protected prefix, spelled as a router, a filter and a handler could
 * read differently, is answered 400 problem+json by the gateway itself and reaches no service. Sent as
 * raw bytes, so no client tidies the path first.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-port=0",
            "relay.gateway.bootstrap-api-key=test-key-123456",
            "relay.gateway.bootstrap-tenant-id=acme",
            "relay.gateway.admin-token=operator-secret-token"
        })
class OnePathOneDecisionTest {

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

    @org.springframework.beans.factory.annotation.Autowired
    io.relay.gateway.admin.OperatorListener operator;

    @BeforeEach
    void backend() {
        BACKEND.resetAll();
        BACKEND.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    /** Each protected prefix as its two first segments, and a rest. */
    static final List<String[]> PREFIXES = List.of(
            new String[] {"admin", "tenants"},
            new String[] {"v1", "customers/c-1"},
            new String[] {"v1", "messages"},
            new String[] {"v1", "providers"},
            new String[] {"admin", "tenants/t-1/providers"},
            new String[] {"v1", "templates/t-1"},
            new String[] {"v1", "suppressions/email/ann@example.org"},
            new String[] {"internal", "webhook"},
            new String[] {"v1", "me/preferences"},
            new String[] {"preferences", ""},
            new String[] {"unsubscribe", ""},
            new String[] {"webhooks", "twilio/inbound"},
            new String[] {"actuator", "health"});

    /** The spellings that must be refused: encoded separators and dots (both cases), ;params, //, dots. */
    static List<String> ambiguousSpellings(String first, String rest) {
        String tail = rest.isEmpty() ? "" : "/" + rest;
        return List.of(
                "/" + first + "%2F" + rest,
                "/" + first + "%2f" + rest,
                "/" + first + "/%2E/" + rest,
                "/" + first + "/%2e%2e/" + first + tail,
                "/" + first + "%5C" + rest,
                "/" + first + "%5c" + rest,
                "/" + first + "%3B" + "x=1" + tail,
                "/" + first + "%3b" + "x=1" + tail,
                "/" + first + ";x=1" + tail,
                "/" + first + tail + ";jsessionid=1",
                "//" + first + tail,
                "/" + first + "//" + rest,
                "/./" + first + tail,
                "/x/../" + first + tail,
                "/" + first + tail + "/..");
    }

    @TestFactory
    Stream<DynamicTest> everyProtectedPrefixSpelledAmbiguouslyIs400AndReachesNoService() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] prefix : PREFIXES) {
            for (String path : ambiguousSpellings(prefix[0], prefix[1])) {
                for (String method : List.of("GET", "POST")) {
                    tests.add(DynamicTest.dynamicTest(method + " " + path, () -> {
                        String answer = raw(port, method, path, "Bearer test-key-123456");
                        assertThat(answer).as(answer).startsWith("HTTP/1.1 400");
                        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
                        assertThat(answer).contains("\"status\":400").contains("path-not-canonical");
                        assertThat(BACKEND.findAll(anyRequestedFor(anyUrl())))
                                .as("no service saw it")
                                .isEmpty();
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> theOperatorsPortRefusesTheSameSpellingsAndServesNothingButTheOperatorApi() {
        int operatorPort = operator.port();
        List<DynamicTest> tests = new ArrayList<>();
        for (String[] prefix : PREFIXES) {
            for (String path : ambiguousSpellings(prefix[0], prefix[1])) {
                tests.add(DynamicTest.dynamicTest("operator port: POST " + path, () -> {
                    String answer = raw(operatorPort, "POST", path, "Bearer operator-secret-token");
                    assertThat(answer).as(answer).startsWith("HTTP/1.1 400");
                    assertThat(answer).contains("path-not-canonical");
                }));
            }
            if (!prefix[0].equals("admin")) {
                String path = "/" + prefix[0] + (prefix[1].isEmpty() ? "" : "/" + prefix[1]);
                tests.add(DynamicTest.dynamicTest("operator port: GET " + path + " is not served there", () -> {
                    String answer = raw(operatorPort, "GET", path, "Bearer test-key-123456");
                    assertThat(answer).as(answer).startsWith("HTTP/1.1 404");
                    assertThat(BACKEND.findAll(anyRequestedFor(anyUrl()))).isEmpty();
                }));
            }
        }
        return tests.stream();
    }

    @org.junit.jupiter.api.Test
    void aRawBackslashIsRefusedByTheHttpCodecBeforeAnyRoute() {
        String answer = raw(port, "GET", "/v1\\customers/c-1", "Bearer test-key-123456");

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(BACKEND.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    /** One request as raw bytes (the path exactly as given), answered in full. */
    static String raw(int port, String method, String path, String authorization) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            String body = method.equals("POST") ? "{\"name\":\"Mallory\"}" : "";
            String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + (body.isEmpty()
                            ? ""
                            : "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n")
                    + "\r\n" + body;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
