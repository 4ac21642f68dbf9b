package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.links.LinkClaims;
import io.relay.links.LinkKeys;
import io.relay.links.LinkTokens;
import io.relay.testsupport.Http;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile input against the running system, through the gateway: hand-written attacks, each of which
 * must get the exact refusal it names, and a mutation fuzzer that walks every operation of the gateway's OpenAPI document
 * with broken ids, headers and bodies (grown from a valid seed per operation) and requires no 5xx and
 * no hang. Before and after, a victim customer's profile, preferences and consent ledger and the
 * tenant's categories and template are read: nothing of theirs may change.
 *
 * <p>The attacks run with every test run; the fuzzer (tag {@code fuzz}) with {@code infra/fuzz/run.sh}
 * (knobs: {@code -Dfuzz.seed=…} to replay, {@code -Dfuzz.iterations=…}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", 40);
    private static final Duration HANG = Duration.ofSeconds(15);

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private RunningSystem system;
    private Http business;
    private Map<String, String> before;

    @BeforeAll
    void victim() {
        system = RunningSystem.shared();
        business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        business.put("/v1/categories/hostile", "{\"kind\":\"transactional\",\"defaultChannels\":[\"sms\",\"email\"]}");
        business.put(
                "/v1/customers/victim",
                "{\"phone\":\"+31612349999\",\"email\":\"victim@example.org\",\"attributes\":{\"firstName\":\"Vic\"}}");
        business.put(
                "/v1/customers/victim/preferences",
                "{\"categories\":{\"hostile\":{\"channels\":[\"email\"]}},\"source\":\"web\"}");
        business.put(
                "/v1/templates/hostile",
                "{\"defaultLocale\":\"en\",\"channels\":{\"email\":{\"en\":{\"subject\":\"Hi {{customer.firstName}}\",\"text\":\"x\"}}}}");
        before = state();
        System.out.println("hostile input: fuzz seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    }

    @AfterAll
    void nothingOfTheVictimsChanged() {
        assertThat(state()).isEqualTo(before);
    }

    private Map<String, String> state() {
        Map<String, String> state = new LinkedHashMap<>();
        for (String path : List.of(
                "/v1/customers/victim",
                "/v1/customers/victim/preferences",
                "/v1/customers/victim/consents",
                "/v1/categories/hostile",
                "/v1/templates/hostile")) {
            HttpResponse<String> response = business.get(path);
            state.put(path, response.statusCode() + " " + response.body());
        }
        return state;
    }

    // ------------------------------------------------------------------ hand-written attacks

    /** One attack and the exact refusal it must get. */
    record Attack(String name, int expected, String method, String url, Map<String, String> headers, byte[] body) {}

    private Attack attack(String name, int expected, String method, String path, String body, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + RunningSystem.API_KEY);
        h.put("Content-Type", "application/json");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return new Attack(
                name,
                expected,
                method,
                system.gatewayUrl() + path,
                h,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static String message(String contentJson) {
        return "{\"customerId\":\"victim\",\"category\":\"hostile\",\"content\":" + contentJson + "}";
    }

    private static byte[] badUtf8() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"customerId\":\"".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE});
        out.writeBytes(
                "\",\"category\":\"hostile\",\"content\":{\"sms\":{\"text\":\"x\"}}}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @TestFactory
    Stream<DynamicTest> everyAttackGetsTheExactRefusalItNames() {
        String expired = new LinkTokens(
                        new LinkKeys(RunningSystem.LINK_SIGNING_KEY, ""),
                        json,
                        Clock.fixed(Instant.now().minus(Duration.ofDays(2)), ZoneOffset.UTC))
                .issue(RunningSystem.TENANT, "victim", LinkClaims.PREFERENCES, null, null, Duration.ofHours(1));
        String unsubscribeToken = new LinkTokens(
                        new LinkKeys(RunningSystem.LINK_SIGNING_KEY, ""), json, Clock.systemUTC())
                .issue(RunningSystem.TENANT, "victim", LinkClaims.UNSUBSCRIBE, "hostile", "email", Duration.ofHours(1));
        String signedWithThePublicDefault = new LinkTokens(
                        new LinkKeys(io.relay.security.RequiredSecrets.Secret.LINK_SIGNING_KEY.localDefault(), ""),
                        json,
                        Clock.systemUTC())
                .issue(RunningSystem.TENANT, "victim", LinkClaims.PREFERENCES, null, null, Duration.ofHours(1));
        String forgedKey = new LinkTokens(new LinkKeys("an-attackers-own-signing-key", ""), json, Clock.systemUTC())
                .issue(RunningSystem.TENANT, "victim", LinkClaims.PREFERENCES, null, null, Duration.ofHours(1));
        List<Attack> attacks = new ArrayList<>(List.of(
                attack(
                        "a 10 MB body",
                        413,
                        "POST",
                        "/v1/messages",
                        "{\"customerId\":\"" + "x".repeat(10 << 20) + "\"}"),
                attack("JSON nested 100,000 deep", 400, "POST", "/v1/messages", "[".repeat(100_000)),
                attack(
                        "deep JSON inside a valid field",
                        400,
                        "PUT",
                        "/v1/customers/victim",
                        "{\"attributes\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}"),
                attack(
                        "an email subject with a header in it",
                        400,
                        "POST",
                        "/v1/messages",
                        message("{\"email\":{\"subject\":\"Hi\\r\\nBcc: evil@example.org\",\"text\":\"x\"}}")),
                attack(
                        "an email subject with a bare LF",
                        400,
                        "POST",
                        "/v1/messages",
                        message("{\"email\":{\"subject\":\"Hi\\nBcc: evil@example.org\",\"text\":\"x\"}}")),
                attack(
                        "a customer attribute carrying a header (it fills subjects)",
                        400,
                        "PUT",
                        "/v1/customers/victim",
                        "{\"email\":\"victim@example.org\",\"attributes\":{\"firstName\":\"Eve\\r\\nBcc: evil@example.org\"}}"),
                attack(
                        "an SMS body with control characters",
                        400,
                        "POST",
                        "/v1/messages",
                        message("{\"sms\":{\"text\":\"Hello\\u0000\\u001b[31mworld\\u0007\"}}")),
                attack(
                        "a template with a partial (file inclusion)",
                        400,
                        "PUT",
                        "/v1/templates/evil",
                        "{\"defaultLocale\":\"en\",\"channels\":{\"email\":{\"en\":{\"subject\":\"{{> /etc/passwd}}\",\"text\":\"x\"}}}}"),
                attack(
                        "a template that never closes its section",
                        400,
                        "PUT",
                        "/v1/templates/evil",
                        "{\"defaultLocale\":\"en\",\"channels\":{\"sms\":{\"en\":{\"text\":\"{{#customer}}{{firstName}}\"}}}}"),
                attack(
                        "a customer id climbing out of its path",
                        400,
                        "GET",
                        "/v1/customers/..%2F..%2Fadmin%2Ftenants",
                        null),
                attack("a customer id of dots", 400, "GET", "/v1/customers/%2e%2e", null),
                attack("a message id with a matrix parameter", 400, "GET", "/v1/messages/..;/customers/victim", null),
                attack("a 5,000-character id", 414, "GET", "/v1/customers/" + "a".repeat(5_000), null),
                attack(
                        "a client-sent tenant header naming another tenant",
                        401,
                        "GET",
                        "/v1/customers/victim",
                        null,
                        "X-Tenant-Id",
                        "someone-else",
                        "Authorization",
                        "Bearer not-a-key"),
                attack(
                        "an unknown API key",
                        401,
                        "GET",
                        "/v1/customers/victim",
                        null,
                        "Authorization",
                        "Bearer rly_k_x_y"),
                attack("a forged customer link", 401, "GET", "/v1/me/preferences?token=eyJmb28iOiJiYXIifQ.AAAA", null),
                attack("an expired customer link", 401, "GET", "/v1/me/preferences?token=" + expired, null),
                attack(
                        "an unsubscribe link used as a preferences link",
                        401,
                        "PUT",
                        "/v1/me/preferences?token=" + unsubscribeToken,
                        "{\"categories\":{\"hostile\":{\"channels\":[]}},\"source\":\"web\"}"),
                attack("a link signed with another key", 401, "GET", "/v1/me/preferences?token=" + forgedKey, null),
                attack(
                        "one-click unsubscribe with a forged token",
                        401,
                        "POST",
                        "/unsubscribe?token=" + forgedKey,
                        "List-Unsubscribe=One-Click",
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                attack(
                        "a Twilio inbound STOP with a forged signature",
                        403,
                        "POST",
                        "/webhooks/twilio/inbound",
                        "From=%2B31612349999&To=%2B3197010000777&Body=STOP",
                        "Content-Type",
                        "application/x-www-form-urlencoded",
                        "X-Twilio-Signature",
                        "Zm9yZ2VkLXNpZ25hdHVyZQ=="),
                attack(
                        "a Twilio status callback without a signature",
                        403,
                        "POST",
                        "/webhooks/twilio/status?m=x&t=" + RunningSystem.TENANT,
                        "MessageSid=SM1&MessageStatus=delivered",
                        "Content-Type",
                        "application/x-www-form-urlencoded"),
                attack(
                        "JSON sent as text/plain",
                        415,
                        "POST",
                        "/v1/messages",
                        message("{}"),
                        "Content-Type",
                        "text/plain"),
                attack("the admin API with a business key", 404, "POST", "/admin/tenants", "{\"name\":\"x\"}")));
        attacks.add(new Attack(
                "bad UTF-8 in a JSON string",
                400,
                "POST",
                system.gatewayUrl() + "/v1/messages",
                Map.of("Authorization", "Bearer " + RunningSystem.API_KEY, "Content-Type", "application/json"),
                badUtf8()));
        attacks.add(new Attack(
                "a forged tenant straight to routing-service, past the gateway",
                401,
                "GET",
                system.routing.baseUrl() + "/v1/messages",
                Map.of("X-Tenant-Id", RunningSystem.TENANT, "X-Internal-Token", "guessed"),
                null));
        attacks.add(new Attack(
                "a forged tenant straight to preference-service, no internal token",
                401,
                "GET",
                system.preference.baseUrl() + "/v1/customers/victim",
                Map.of("X-Tenant-Id", RunningSystem.TENANT),
                null));
        attacks.add(new Attack(
                "a link signed with the repository's local default key (the system has its own)",
                401,
                "GET",
                system.gatewayUrl() + "/v1/me/preferences?token=" + signedWithThePublicDefault,
                Map.of(),
                null));
        attacks.add(new Attack(
                "the operator API on its own port with a business key",
                401,
                "POST",
                system.operatorUrl() + "/admin/tenants",
                Map.of("Authorization", "Bearer " + RunningSystem.API_KEY, "Content-Type", "application/json"),
                "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        attacks.add(new Attack(
                "the operator API with the operator's own token, on the public port",
                404,
                "POST",
                system.gatewayUrl() + "/admin/tenants",
                Map.of("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN, "Content-Type", "application/json"),
                "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        return attacks.stream()
                .map(a -> DynamicTest.dynamicTest(a.name(), () -> {
                    HttpResponse<String> response = send(a.method(), a.url(), a.headers(), a.body());
                    assertThat(response.statusCode())
                            .as("%s → %s", a.name(), response.body())
                            .isEqualTo(a.expected());
                }));
    }

    private HttpResponse<String> send(String method, String url, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(HANG)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new AssertionError(method + " " + url + " hung for " + HANG.toSeconds() + " s", e);
        }
    }

    // ------------------------------------------------------------------ mutation fuzzing

    /** A valid body per operation, the seed the mutations grow from. */
    private static final Map<String, String> SEEDS = Map.of(
            "POST /v1/messages",
            message("{\"sms\":{\"text\":\"hi\"},\"email\":{\"subject\":\"s\",\"text\":\"t\"}}"),
            "PUT /v1/customers/{customerId}",
            "{\"phone\":\"+31612340000\",\"email\":\"a@example.org\",\"timeZone\":\"Europe/Amsterdam\","
                    + "\"locale\":\"nl-NL\",\"attributes\":{\"firstName\":\"A\"},"
                    + "\"pushTokens\":[{\"token\":\"t\",\"platform\":\"android\"}]}",
            "PUT /v1/customers/{customerId}/preferences",
            "{\"categories\":{\"hostile\":{\"channels\":[\"sms\",\"email\"]}},\"quietHours\":"
                    + "{\"start\":\"22:00\",\"end\":\"07:00\"},\"source\":\"web\"}",
            "PUT /v1/categories/{category}",
            "{\"kind\":\"marketing\",\"defaultChannels\":[\"email\"],\"urgentAllowed\":false,\"frequencyCap\":"
                    + "{\"max\":3,\"per\":\"P1D\"}}",
            "PUT /v1/templates/{id}",
            "{\"defaultLocale\":\"en\",\"channels\":{\"email\":{\"en\":{\"subject\":\"Hi {{name}}\",\"text\":\"x\"}}}}",
            "PATCH /admin/tenants/{tenantId}",
            "{\"smsFrom\":\"+3197010000777\",\"rateLimit\":10}",
            "POST /admin/tenants",
            "{\"name\":\"Fuzz\"}");

    private static final List<String> HOSTILE_IDS = List.of(
            "..",
            "%2e%2e%2f%2e%2e",
            "..%2Fadmin",
            "a%00b",
            "%ff%fe",
            "' OR '1'='1",
            "{{7*7}}",
            "${jndi:ldap://x}",
            "a".repeat(300),
            "%E2%80%AE",
            "victim%2F..%2Fvictim",
            "%0d%0aX-Injected:1",
            "-1",
            "null",
            "%20");

    @Test
    @Tag("fuzz")
    void noOperationOfTheOpenApiDocumentAnswers5xxOrHangsOnBrokenInput() throws Exception {
        JsonNode api =
                json.readTree(new Http(system.gatewayUrl()).get("/openapi.json").body());
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        api.get("paths").properties().iterator();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : List.of("get", "put", "post", "patch", "delete")) {
                if (!path.getValue().has(method)) {
                    continue;
                }
                String operation = method.toUpperCase() + " " + path.getKey();
                for (int i = 0; i < ITERATIONS; i++) {
                    String url = (path.getKey().startsWith("/admin") ? system.operatorUrl() : system.gatewayUrl())
                            + fill(path.getKey(), random);
                    byte[] body = body(operation, random);
                    Map<String, String> headers = headers(path.getKey(), random);
                    requests++;
                    try {
                        HttpResponse<String> response = send(method.toUpperCase(), url, headers, body);
                        if (response.statusCode() >= 500) {
                            failures.add(operation + " → " + response.statusCode() + " for " + url + " "
                                    + (body == null ? "" : abbreviate(new String(body, StandardCharsets.UTF_8)))
                                    + " : " + abbreviate(response.body()));
                        }
                    } catch (AssertionError | java.io.IOException e) {
                        failures.add(operation + " → " + e.getMessage());
                    }
                }
            }
        }
        System.out.printf(
                "hostile input: %d fuzzed requests, %d failures (seed %d)%n", requests, failures.size(), SEED);
        assertThat(failures).as("seed %d", SEED).isEmpty();
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** What a client can put on the wire: characters a URI cannot hold are percent-encoded. */
    private static String wire(String raw) {
        StringBuilder out = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~!$&'()*+,;=:@%".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Path parameters: hostile ids. */
    private static String fill(String template, Random random) {
        StringBuilder out = new StringBuilder();
        for (String part : template.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            out.append('/');
            if (part.startsWith("{")) {
                out.append(wire(HOSTILE_IDS.get(random.nextInt(HOSTILE_IDS.size()))));
            } else {
                out.append(part);
            }
        }
        if (random.nextInt(4) == 0) {
            out.append(
                    random.nextBoolean()
                            ? "?token=" + wire(HOSTILE_IDS.get(random.nextInt(HOSTILE_IDS.size())))
                            : "?limit=-5");
        }
        return out.toString();
    }

    private static Map<String, String> headers(String path, Random random) {
        Map<String, String> headers = new LinkedHashMap<>();
        String key = path.startsWith("/admin") ? RunningSystem.ADMIN_TOKEN : RunningSystem.API_KEY;
        switch (random.nextInt(5)) {
            case 0 -> {} // no credentials
            case 1 -> headers.put("Authorization", "Bearer wrong-" + random.nextInt());
            default -> headers.put("Authorization", "Bearer " + key);
        }
        headers.put(
                "Content-Type",
                List.of("application/json", "application/json", "text/plain", "application/x-www-form-urlencoded")
                        .get(random.nextInt(4)));
        if (random.nextInt(3) == 0) {
            headers.put("X-Tenant-Id", "t_" + random.nextInt(1000));
        }
        if (random.nextInt(3) == 0) {
            headers.put(
                    "Idempotency-Key",
                    HOSTILE_IDS.get(random.nextInt(HOSTILE_IDS.size())).replace('%', 'p'));
        }
        return headers;
    }

    private byte[] body(String operation, Random random) {
        String seed = SEEDS.get(operation);
        return switch (random.nextInt(6)) {
            case 0 -> null;
            case 1 -> {
                byte[] garbage = new byte[random.nextInt(2_000)];
                random.nextBytes(garbage);
                yield garbage;
            }
            default -> {
                JsonNode node = json.readTree(seed == null ? "{\"a\":1}" : seed);
                for (int m = 1 + random.nextInt(4); m > 0; m--) {
                    node = mutate(node, random, 0);
                }
                yield json.writeValueAsBytes(node);
            }
        };
    }

    /** One structural mutation somewhere in the tree: swap a type, drop, add, blow up, or nest. */
    private JsonNode mutate(JsonNode node, Random random, int depth) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (node instanceof ObjectNode object && object.size() > 0 && depth < 4 && random.nextInt(3) > 0) {
            List<String> names = new ArrayList<>(object.propertyNames());
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set("unexpected" + random.nextInt(100), leaf(random));
                default -> object.set(name, mutate(object.get(name), random, depth + 1));
            }
            return object;
        }
        if (node instanceof ArrayNode array && array.size() > 0 && random.nextBoolean()) {
            array.set(random.nextInt(array.size()), mutate(array.get(random.nextInt(array.size())), random, depth + 1));
            return array;
        }
        return switch (random.nextInt(4)) {
            case 0 -> leaf(random);
            case 1 -> f.arrayNode().add(node).add(leaf(random));
            case 2 -> f.objectNode().set("x", node);
            default -> f.stringNode(node.isString() ? node.asString() + leafText(random) : leafText(random));
        };
    }

    private static JsonNode leaf(Random random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (random.nextInt(8)) {
            case 0 -> f.nullNode();
            case 1 -> f.numberNode(random.nextLong());
            case 2 -> f.numberNode(1e308 * 10);
            case 3 -> f.booleanNode(random.nextBoolean());
            case 4 -> f.arrayNode();
            case 5 -> f.objectNode();
            default -> f.stringNode(leafText(random));
        };
    }

    private static String leafText(Random random) {
        List<String> texts = List.of(
                "",
                " ",
                "\u0000",
                "\r\nBcc: evil@example.org",
                "{{#x}}",
                "{{> partial}}",
                "<script>alert(1)</script>",
                "💥".repeat(100),
                "\uD800",
                "x".repeat(70_000),
                "9999-99-99T99:99:99Z",
                "P-1D",
                "+0000000000000000000",
                "../../etc/passwd",
                "' OR 1=1 --");
        return texts.get(random.nextInt(texts.size()));
    }
}
