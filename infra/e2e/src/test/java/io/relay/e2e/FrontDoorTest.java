package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The front door of the running system, attacked as an outsider would: every protected prefix on the
 * gateway's public port and its operator port, and every service called directly, spelled with encoded
 * separators and dots, ;params, // and dot segments. Each answer is the exact refusal expected (400 for a
 * path that is not canonical), in problem+json, and nothing of the victim tenant changes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontDoorTest {

    private RunningSystem system;

    private io.relay.testsupport.Http business;

    @BeforeAll
    void system() {
        system = RunningSystem.shared();
        business = new io.relay.testsupport.Http(system.gatewayUrl())
                .header("Authorization", "Bearer " + RunningSystem.API_KEY);
        business.put("/v1/customers/victim", "{\"email\":\"victim@example.org\"}");
    }

    /** The protected prefixes, each with a path that exists behind it. */
    private static final List<String> PREFIXES = List.of(
            "/admin/tenants",
            "/v1/customers/victim",
            "/v1/messages",
            "/v1/providers",
            "/v1/templates/t-1",
            "/v1/suppressions/email/victim@example.org",
            "/internal/webhook",
            "/v1/me/preferences",
            "/preferences",
            "/unsubscribe",
            "/webhooks/twilio/inbound");

    /** Every spelling of {@code path} that two readers could take for two different paths. */
    static List<String> ambiguous(String path) {
        int cut = path.indexOf('/', 1);
        String first = cut < 0 ? path.substring(1) : path.substring(1, cut);
        String rest = cut < 0 ? "" : path.substring(cut + 1);
        String tail = rest.isEmpty() ? "" : "/" + rest;
        List<String> spellings = new ArrayList<>(List.of(
                "/" + first + ";x=1" + tail,
                "/" + first + tail + ";x=1",
                "/" + first + "%3B" + "x=1" + tail,
                "/" + first + "%3b" + "x=1" + tail,
                "//" + first + tail,
                "/./" + first + tail,
                "/x/../" + first + tail,
                "/" + first + "/%2E/" + rest,
                "/" + first + "/%2e%2e/" + first + tail));
        if (!rest.isEmpty()) {
            spellings.addAll(List.of(
                    "/" + first + "%2F" + rest,
                    "/" + first + "%2f" + rest,
                    "/" + first + "%5C" + rest,
                    "/" + first + "%5c" + rest,
                    "/" + first + "//" + rest,
                    "/" + first + tail + "/.",
                    "/" + first + tail + "/.."));
        }
        return spellings;
    }

    @TestFactory
    Stream<DynamicTest> everyDoorRefusesAPathThatIsNotCanonicalWith400() {
        List<String> doors = new ArrayList<>(List.of(system.gatewayUrl(), system.operatorUrl()));
        for (ServiceProcess service : system.all()) {
            if (service != system.gateway) {
                doors.add(service.baseUrl());
            }
        }
        String before = victimState();
        List<DynamicTest> tests = new ArrayList<>();
        for (String door : doors) {
            for (String prefix : PREFIXES) {
                for (String path : ambiguous(prefix)) {
                    tests.add(DynamicTest.dynamicTest(door + " POST " + path, () -> {
                        String answer = raw(door, "POST", path, "Bearer " + RunningSystem.API_KEY);
                        assertThat(answer).as(answer).startsWith("HTTP/1.1 400 ");
                        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
                        assertThat(answer).contains("path-not-canonical");
                    }));
                }
            }
        }
        tests.add(DynamicTest.dynamicTest(
                "nothing of the victim changed", () -> assertThat(victimState()).isEqualTo(before)));
        return tests.stream();
    }

    /** A request, how it is spelled and credentialed, and the exact answer it must get. */
    private record Knock(String door, String method, String path, String authorization, int expected) {}

    /**
     * Spellings every reader decodes to the same path (encoded letters, case) meet the same decision as
     * the plain one: 401 without credentials or with wrong ones, 403 for a forged Twilio signature, 404
     * where the path does not exist (the operator API off its port, a prefix in the wrong case).
     */
    @TestFactory
    Stream<DynamicTest> spellingsThatDecodeToAProtectedPathMeetItsExactDecision() {
        String gateway = system.gatewayUrl();
        String operator = system.operatorUrl();
        String key = "Bearer " + RunningSystem.API_KEY;
        String admin = "Bearer " + RunningSystem.ADMIN_TOKEN;
        String before = victimState();
        List<Knock> knocks = new ArrayList<>();
        for (String path : List.of("/v1/customers/victim", "/%761/customers/victim", "/v1/%63ustomers/victim")) {
            knocks.add(new Knock(gateway, "GET", path, null, 401));
            knocks.add(new Knock(gateway, "GET", path, "Bearer rly_k_guessed_x", 401));
            knocks.add(new Knock(gateway, "GET", path, admin, 401));
            knocks.add(new Knock(gateway, "GET", path, key, 200));
        }
        for (String path : List.of("/V1/customers/victim", "/v1/CUSTOMERS/victim")) {
            knocks.add(new Knock(gateway, "GET", path, key, 404));
        }
        for (String path : List.of("/admin/tenants", "/%61dmin/tenants", "/ADMIN/tenants", "/Admin/%74enants")) {
            knocks.add(new Knock(gateway, "POST", path, admin, 404));
            knocks.add(new Knock(operator, "POST", path, null, 401));
            knocks.add(new Knock(operator, "POST", path, key, 401));
            knocks.add(new Knock(operator, "POST", path, "Bearer " + RunningSystem.ADMIN_TOKEN + "x", 401));
        }
        for (String path : List.of("/internal/sms-senders?sender=x", "/%69nternal/sms-senders?sender=x")) {
            knocks.add(new Knock(gateway, "GET", path, null, 404));
            knocks.add(new Knock(operator, "GET", path, null, 401));
            knocks.add(new Knock(operator, "GET", path, admin, 401));
        }
        for (String path : List.of("/internal/webhook", "/%69nternal/webhook")) {
            knocks.add(new Knock(gateway, "PUT", path, key, 404));
            knocks.add(new Knock(system.routing.baseUrl(), "PUT", path, null, 401));
        }
        for (String path : List.of("/v1/me/preferences?token=forged", "/v1/me/%70references?token=forged")) {
            knocks.add(new Knock(gateway, "GET", path, null, 401));
        }
        for (String path : List.of("/unsubscribe?token=forged", "/%75nsubscribe?token=forged")) {
            knocks.add(new Knock(gateway, "POST", path, null, 401));
        }
        for (String path :
                List.of("/webhooks/twilio/inbound", "/webhooks/twilio/%69nbound", "/%77ebhooks/twilio/inbound")) {
            knocks.add(new Knock(gateway, "POST", path, null, 403));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Knock knock : knocks) {
            tests.add(DynamicTest.dynamicTest(
                    knock.door() + " " + knock.method() + " " + knock.path()
                            + (knock.authorization() == null ? "" : " (credentialed)"),
                    () -> {
                        String answer = raw(knock.door(), knock.method(), knock.path(), knock.authorization());
                        assertThat(answer).as(answer).startsWith("HTTP/1.1 " + knock.expected() + " ");
                        assertThat(answer).doesNotContain("rly_k_");
                    }));
        }
        tests.add(DynamicTest.dynamicTest(
                "nothing of the victim changed", () -> assertThat(victimState()).isEqualTo(before)));
        return tests.stream();
    }

    private String victimState() {
        return business.get("/v1/customers/victim").body()
                + business.get("/v1/customers/victim/consents").body();
    }

    /** One request as raw bytes (the path exactly as given), answered in full. */
    static String raw(String baseUrl, String method, String path, String authorization) {
        URI base = URI.create(baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            // Twilio and one-click unsubscribe post forms; everything else takes JSON
            boolean form = path.contains("ebhooks") || path.contains("nsubscribe");
            String body = form
                    ? "From=%2B31612349999&To=%2B3197010000777&Body=STOP&List-Unsubscribe=One-Click"
                    : "{\"name\":\"Mallory\"}";
            String request = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Content-Type: " + (form ? "application/x-www-form-urlencoded" : "application/json")
                    + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
