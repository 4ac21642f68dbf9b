package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.relay.gateway.admin.OperatorListener;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.JedisPooled;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The operator makes tenants and keys; keys rotate and revoke at once; each tenant has its own rate. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-port=0",
            "relay.gateway.webhook-allowed-hosts=localhost:9999",
            "relay.gateway.bootstrap-api-key=bootstrap-key-123456",
            "relay.gateway.bootstrap-tenant-id=bootstrap",
            "relay.gateway.admin-token=operator-secret-token"
        })
class TenantsAndKeysTest {

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

    @Autowired
    JedisPooled redis;

    @Autowired
    OperatorListener operatorListener;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient db;

    private String operatorBase() {
        return "http://localhost:" + operatorListener.port();
    }

    private final JsonMapper json = JsonMapper.builder().build();
    private Http operator;

    @BeforeEach
    void setUp() {
        BACKEND.resetAll();
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/v1/customers/.*"))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        operator = new Http(operatorBase()).header("Authorization", "Bearer operator-secret-token");
    }

    private JsonNode tenant(String name) {
        HttpResponse<String> created = operator.post("/admin/tenants", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body());
    }

    private int call(String apiKey) {
        return new Http("http://localhost:" + port)
                .header("Authorization", "Bearer " + apiKey)
                .get("/v1/customers/c-1")
                .statusCode();
    }

    /** A message request with the tenant's key, as routing received it from the gateway. */
    private LoggedRequest forwardedMessageRequest(JsonNode tenant) {
        new Http("http://localhost:" + port)
                .header("Authorization", "Bearer " + tenant.get("apiKey").asString())
                .post("/v1/messages", "{}");
        return BACKEND.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                        urlPathMatching("/v1/messages")))
                .getLast();
    }

    @Test
    void anOperatorCreatesATenantWhoseKeyIsShownOnceStoredHashedAndCarriesTheTenant() {
        JsonNode acme = tenant("Acme Dental");
        String key = acme.get("apiKey").asString();

        assertThat(key).startsWith("rly_k_");
        assertThat(call(key)).isEqualTo(200);
        BACKEND.verify(getRequestedFor(urlPathMatching("/v1/customers/c-1"))
                .withHeader("X-Tenant-Id", equalTo(acme.get("tenantId").asString()))
                .withHeader("X-Tenant-Key-Id", equalTo(acme.get("keyId").asString())));
        assertThat(redis.keys("*").stream().anyMatch(k -> k.contains(key)))
                .as("never in Redis")
                .isFalse();
        assertThat(db.sql("SELECT count(*) FROM api_keys WHERE key_hash = ?")
                        .param(io.relay.gateway.tenant.TenantStore.sha256(key))
                        .query(Integer.class)
                        .single())
                .as("kept as its SHA-256")
                .isEqualTo(1);
        assertThat(db.sql("SELECT count(*) FROM api_keys k JOIN tenants t USING (tenant_id) "
                                + "WHERE k::text LIKE ? OR t::text LIKE ?")
                        .params("%" + key + "%", "%" + key + "%")
                        .query(Integer.class)
                        .single())
                .as("never stored in clear")
                .isZero();
        assertThat(operator.get("/admin/tenants/" + acme.get("tenantId").asString())
                        .body())
                .doesNotContain(key);
    }

    @Test
    void keysRotateAndARevokedKeyStopsAtOnce() {
        JsonNode acme = tenant("Acme");
        String tenantId = acme.get("tenantId").asString();
        String first = acme.get("apiKey").asString();
        JsonNode second = json.readTree(
                operator.post("/admin/tenants/" + tenantId + "/api-keys", null).body());

        assertThat(call(first)).isEqualTo(200);
        assertThat(call(second.get("apiKey").asString())).isEqualTo(200);

        assertThat(operator.delete("/admin/tenants/" + tenantId + "/api-keys/"
                                + acme.get("keyId").asString())
                        .statusCode())
                .isEqualTo(204);
        assertThat(call(first)).isEqualTo(401);
        assertThat(call(second.get("apiKey").asString())).isEqualTo(200);
        assertThat(operator.delete("/admin/tenants/" + tenantId + "/api-keys/k_nope")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void theOperatorApiNeedsTheOperatorToken() {
        Http stranger = new Http(operatorBase()).header("Authorization", "Bearer operator-secret-tokeN");
        HttpResponse<String> refused = stranger.post("/admin/tenants", "{\"name\":\"Mallory\"}");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        String tenantKey = tenant("Acme").get("apiKey").asString();
        assertThat(new Http(operatorBase())
                        .header("Authorization", "Bearer " + tenantKey)
                        .post("/admin/tenants", "{\"name\":\"Escalation\"}")
                        .statusCode())
                .as("a tenant's key is not an operator token")
                .isEqualTo(401);
    }

    private java.util.List<String> tenantsAndKeys() {
        return db.sql("SELECT tenant_id || ' ' || coalesce(k.key_id, '') || ' ' || coalesce(k.revoked_at::text, '') "
                        + "FROM tenants LEFT JOIN api_keys k USING (tenant_id) ORDER BY 1")
                .query(String.class)
                .list();
    }

    /**
     * The handler mapping matches decoded segments without their ;parameters: on the operator's port, every
     * spelling of /admin it could take meets the operator token (401) or is refused as not canonical (400);
     * on the public port the operator API does not exist (404), even with the operator's token. Nothing is
     * minted either way.
     */
    @Test
    void theOperatorApiCannotBeWalkedAroundBySpellingItsPathDifferently() {
        String victim = tenant("Victim").get("tenantId").asString();
        java.util.List<String> keysBefore = tenantsAndKeys();
        java.util.List<String> decodedToTheOperatorApi = java.util.List.of(
                "/%61dmin/tenants",
                "/%41dmin/tenants",
                "/admin/%74enants",
                "/ADMIN/tenants",
                "/Admin/tenants",
                "/%61dmin/tenants/" + victim + "/api-keys",
                "/admin/tenants/" + victim + "/%61pi-keys");
        java.util.List<String> notCanonical = java.util.List.of(
                "/admin;x=1/tenants",
                "/admin/tenants;x=1",
                "/admin%3Bx=1/tenants",
                "/admin%2Ftenants",
                "//admin/tenants",
                "/./admin/tenants",
                "/x/../admin/tenants",
                "/admin;x=1/tenants/" + victim + "/api-keys",
                "/admin/tenants/" + victim + "/api-keys;x=1",
                "/admin/tenants/" + victim + "/%2E%2E/" + victim + "/api-keys");
        int publicPort = port;
        int operatorPort = operatorListener.port();

        for (String path : decodedToTheOperatorApi) {
            assertRefused(operatorPort, path, null, 401);
            assertRefused(publicPort, path, null, 404);
            assertRefused(publicPort, path, "Bearer operator-secret-token", 404);
        }
        for (String path : notCanonical) {
            assertRefused(operatorPort, path, null, 400);
            assertRefused(operatorPort, path, "Bearer operator-secret-token", 400);
            assertRefused(publicPort, path, null, 400);
        }
        assertRefused(publicPort, "/admin/tenants", "Bearer operator-secret-token", 404);
        assertThat(tenantsAndKeys()).as("no tenant or key was made").isEqualTo(keysBefore);
    }

    private static void assertRefused(int port, String path, String authorization, int status) {
        String answer = OnePathOneDecisionTest.raw(port, "POST", path, authorization);
        assertThat(answer).as("POST %s on %d: %s", path, port, answer).startsWith("HTTP/1.1 " + status + " ");
        assertThat(answer.toLowerCase()).contains("content-type: application/problem+json");
        assertThat(answer).doesNotContain("rly_");
    }

    @Test
    void aWebhookCannotBePointedInwardsOrOverPlainHttpAndARefusalChangesNothing() {
        String tenantId = tenant("Ssrf").get("tenantId").asString();
        String path = "/admin/tenants/" + tenantId;
        String before = operator.get(path).body();

        for (String url : java.util.List.of(
                "http://169.254.169.254/latest/meta-data/",
                "https://169.254.169.254/latest/meta-data/",
                "http://127.0.0.1:8081/v1/customers",
                "http://10.0.0.1/",
                "https://10.0.0.1/",
                "http://[::1]:8082/",
                "https://[::ffff:127.0.0.1]/",
                "http://localhost:8085/",
                "https://localhost/",
                "https://[fd00::1]/",
                "http://hooks.example.com/status")) {
            HttpResponse<String> refused =
                    operator.send("PATCH", path, "{\"webhookUrl\":\"" + url + "\"}", java.util.Map.of());
            assertThat(refused.statusCode()).as("%s: %s", url, refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json.readTree(refused.body()).get("errors").findValuesAsString("field"))
                    .containsExactly("webhookUrl");
        }
        assertThat(operator.get(path).body()).as("nothing changed").isEqualTo(before);

        HttpResponse<String> named =
                operator.send("PATCH", path, "{\"webhookUrl\":\"http://localhost:9999/hooks\"}", java.util.Map.of());
        assertThat(named.statusCode())
                .as("a receiver named in WEBHOOK_ALLOWED_HOSTS")
                .isEqualTo(200);
        assertThat(json.readTree(named.body()).get("webhookSecret").asString())
                .as("standard base64 after whsec_, as Standard Webhooks libraries read it")
                .matches("whsec_[A-Za-z0-9+/]{43}=");
    }

    @Test
    void tenantSettingsAreValidatedFieldByField() {
        String tenantId = tenant("Acme").get("tenantId").asString();

        HttpResponse<String> bad = operator.send(
                "PATCH",
                "/admin/tenants/" + tenantId,
                "{\"smsFrom\":\"0612\",\"emailFrom\":\"not an address\",\"webhookUrl\":\"ftp://x\",\"rateLimit\":0}",
                java.util.Map.of());
        HttpResponse<String> good = operator.send(
                "PATCH",
                "/admin/tenants/" + tenantId,
                "{\"smsFrom\":\"+3197010000001\",\"emailFrom\":\"Acme <no-reply@acme.example>\","
                        + "\"webhookUrl\":\"https://acme.example/hooks/messages\"}",
                java.util.Map.of());

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("smsFrom", "emailFrom", "webhookUrl", "rateLimit");
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        assertThat(json.readTree(good.body()).get("emailFrom").asString()).isEqualTo("Acme <no-reply@acme.example>");
        assertThat(json.readTree(good.body()).get("webhookSecret").asString())
                .as("shown once, when the webhook is first set")
                .startsWith("whsec_");
        assertThat(operator.get("/admin/tenants/" + tenantId).body()).doesNotContain("whsec_");
    }

    @Test
    void aTenantsTimeZoneIsAnIanaIdAndTravelsWithItsRequests() {
        JsonNode acme = tenant("Acme Zone");
        String path = "/admin/tenants/" + acme.get("tenantId").asString();
        for (String refused : new String[] {"+02:00", "GMT+2", "Europe/Atlantis"}) {
            HttpResponse<String> bad =
                    operator.send("PATCH", path, "{\"timeZone\":\"" + refused + "\"}", java.util.Map.of());
            assertThat(bad.statusCode()).as(refused).isEqualTo(400);
            assertThat(json.readTree(bad.body()).get("errors").findValuesAsString("field"))
                    .containsExactly("timeZone");
        }
        assertThat(forwardedMessageRequest(acme).containsHeader("X-Tenant-Time-Zone"))
                .as("nothing set, nothing refused changed it")
                .isFalse();

        HttpResponse<String> good =
                operator.send("PATCH", path, "{\"timeZone\":\"America/New_York\"}", java.util.Map.of());

        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        assertThat(json.readTree(good.body()).get("timeZone").asString()).isEqualTo("America/New_York");
        assertThat(forwardedMessageRequest(acme).getHeader("X-Tenant-Time-Zone"))
                .isEqualTo("America/New_York");
        assertThat(operator.send("PATCH", path, "{\"timeZone\":\"UTC\"}", java.util.Map.of())
                        .statusCode())
                .isEqualTo(200);
        assertThat(operator.send("PATCH", path, "{\"timeZone\":\"\"}", java.util.Map.of())
                        .statusCode())
                .isEqualTo(200);
        assertThat(forwardedMessageRequest(acme).containsHeader("X-Tenant-Time-Zone"))
                .isFalse();
    }

    @Test
    void paidSendSettingsAreValidatedAndTravelToTheServicesWithEveryRequest() {
        JsonNode acme = tenant("Acme Sms");
        String path = "/admin/tenants/" + acme.get("tenantId").asString();
        HttpResponse<String> bad = operator.send(
                "PATCH",
                path,
                "{\"smsCountries\":[\"NL\",\"XX\"],\"smsMaxSegments\":0,\"smsDailyQuota\":-1}",
                java.util.Map.of());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("errors").findValuesAsString("field"))
                .containsExactlyInAnyOrder("smsCountries", "smsMaxSegments", "smsDailyQuota");

        LoggedRequest before = forwardedMessageRequest(acme);
        assertThat(before.getHeader("X-Tenant-Sms-Countries"))
                .as("SMS_DEFAULT_COUNTRIES")
                .isEqualTo("*");
        assertThat(before.getHeader("X-Tenant-Sms-Max-Segments")).isEqualTo("10");
        assertThat(before.containsHeader("X-Tenant-Sms-Daily-Quota")).isFalse();

        HttpResponse<String> good = operator.send(
                "PATCH",
                path,
                "{\"smsCountries\":[\"NL\",\"BE\"],\"smsMaxSegments\":3,\"smsDailyQuota\":500}",
                java.util.Map.of());
        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        LoggedRequest after = forwardedMessageRequest(acme);
        assertThat(after.getHeader("X-Tenant-Sms-Countries")).isEqualTo("NL,BE");
        assertThat(after.getHeader("X-Tenant-Sms-Max-Segments")).isEqualTo("3");
        assertThat(after.getHeader("X-Tenant-Sms-Daily-Quota")).isEqualTo("500");
        assertThat(new Http("http://localhost:" + port)
                        .header("Authorization", "Bearer " + acme.get("apiKey").asString())
                        .header("X-Tenant-Sms-Daily-Quota", "999999")
                        .get("/v1/customers/c-1")
                        .statusCode())
                .isEqualTo(200);
        BACKEND.verify(getRequestedFor(urlPathMatching("/v1/customers/c-1"))
                .withHeader("X-Tenant-Sms-Daily-Quota", equalTo("500")));
    }

    @Test
    void aFloodFromOneTenantGets429WithRetryAfterWhileAnotherIsServed() {
        JsonNode noisy = tenant("Noisy");
        JsonNode quiet = tenant("Quiet");
        operator.send(
                "PATCH", "/admin/tenants/" + noisy.get("tenantId").asString(), "{\"rateLimit\":5}", java.util.Map.of());
        Http flood = new Http("http://localhost:" + port)
                .header("Authorization", "Bearer " + noisy.get("apiKey").asString());

        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = flood.get("/v1/customers/c-1");
            if (response.statusCode() == 429) {
                limited++;
                retryAfter = response.headers().firstValue("Retry-After").orElse(null);
            }
        }

        assertThat(limited)
                .as("most of 20 requests in about a second exceed 5/s")
                .isGreaterThanOrEqualTo(10);
        assertThat(retryAfter).isEqualTo("1");
        assertThat(call(quiet.get("apiKey").asString())).isEqualTo(200);
    }

    @Test
    void theTenantsSendersTravelWithItsRequestsAndAClientCannotForgeThem() {
        JsonNode acme = tenant("Acme");
        operator.send(
                "PATCH",
                "/admin/tenants/" + acme.get("tenantId").asString(),
                "{\"smsFrom\":\"+3197010000001\",\"emailFrom\":\"Acme <no-reply@acme.example>\"}",
                java.util.Map.of());

        int status = new Http("http://localhost:" + port)
                .header("Authorization", "Bearer " + acme.get("apiKey").asString())
                .header("X-Tenant-Email-From", "Mallory <evil@example.org>")
                .header("X-Tenant-Webhook-Url", "https://evil.example")
                .get("/v1/customers/c-1")
                .statusCode();

        assertThat(status).isEqualTo(200);
        var seen = BACKEND.findAll(getRequestedFor(urlPathMatching("/v1/customers/c-1")))
                .getLast();
        assertThat(seen.getHeader("X-Tenant-Sms-From")).isEqualTo("+3197010000001");
        assertThat(seen.getHeader("X-Tenant-Email-From")).isEqualTo("Acme <no-reply@acme.example>");
        assertThat(seen.containsHeader("X-Tenant-Webhook-Url")).isFalse();
    }

    @Test
    void theTenantsWebhookTravelsWithItsMessageRequestsOnlyAndAClientCannotForgeIt() {
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/messages")
                .willReturn(aResponse().withStatus(202)));
        JsonNode hooked = tenant("Hooked");
        JsonNode settings = json.readTree(operator.send(
                        "PATCH",
                        "/admin/tenants/" + hooked.get("tenantId").asString(),
                        "{\"webhookUrl\":\"https://hooked.example/status\"}",
                        java.util.Map.of())
                .body());
        JsonNode plain = tenant("Plain");

        for (JsonNode tenant : java.util.List.of(hooked, plain)) {
            int status = new Http("http://localhost:" + port)
                    .header("Authorization", "Bearer " + tenant.get("apiKey").asString())
                    .header("X-Tenant-Webhook-Url", "https://evil.example")
                    .header("X-Tenant-Webhook-Secret", "forged")
                    .post("/v1/messages", "{}")
                    .statusCode();
            assertThat(status).isEqualTo(202);
        }

        var seen = BACKEND.findAll(
                com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathMatching("/v1/messages")));
        var fromHooked = seen.get(seen.size() - 2);
        assertThat(fromHooked.getHeader("X-Tenant-Webhook-Url")).isEqualTo("https://hooked.example/status");
        assertThat(fromHooked.getHeader("X-Tenant-Webhook-Secret"))
                .isEqualTo(settings.get("webhookSecret").asString());
        // a tenant without a webhook says so with empty values, so routing forgets any it kept
        var fromPlain = seen.getLast();
        assertThat(fromPlain.getHeader("X-Tenant-Webhook-Url")).isEmpty();
        assertThat(fromPlain.getHeader("X-Tenant-Webhook-Secret")).isEmpty();
    }

    @Test
    void anOperatorStopsATenantsStatusWebhooksWithAnEmptyUrl() {
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/messages")
                .willReturn(aResponse().withStatus(202)));
        JsonNode hooked = tenant("Hooked");
        String path = "/admin/tenants/" + hooked.get("tenantId").asString();
        operator.send("PATCH", path, "{\"webhookUrl\":\"https://hooked.example/status\"}", java.util.Map.of());

        HttpResponse<String> cleared = operator.send("PATCH", path, "{\"webhookUrl\":\"\"}", java.util.Map.of());
        HttpResponse<String> blank = operator.send("PATCH", path, "{\"webhookUrl\":\" \"}", java.util.Map.of());

        assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
        assertThat(json.readTree(cleared.body()).has("webhookUrl")).isFalse();
        assertThat(blank.statusCode()).as("only an empty value clears it").isEqualTo(400);
        assertThat(json.readTree(operator.get(path).body()).get("settings").has("webhookUrl"))
                .isFalse();
        LoggedRequest sent = forwardedMessageRequest(hooked);
        assertThat(sent.getHeader("X-Tenant-Webhook-Url"))
                .as("routing forgets the webhook it kept")
                .isEmpty();
    }

    @Test
    void aWebhookChangeReachesRoutingAtOnceCountedSoItsMessageRequestsCannotUndoIt() {
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put("/internal/webhook")
                .willReturn(aResponse().withStatus(204)));
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/v1/messages")
                .willReturn(aResponse().withStatus(202)));
        JsonNode pushed = tenant("Pushed");
        String tenantId = pushed.get("tenantId").asString();
        String path = "/admin/tenants/" + tenantId;

        String secret = json.readTree(operator.send(
                                "PATCH", path, "{\"webhookUrl\":\"https://pushed.example/a\"}", java.util.Map.of())
                        .body())
                .get("webhookSecret")
                .asString();
        operator.send("PATCH", path, "{\"webhookUrl\":\"\"}", java.util.Map.of());
        operator.send("PATCH", path, "{\"smsFrom\":\"+3197010000009\"}", java.util.Map.of());

        var pushes = BACKEND.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/internal/webhook"))
                .withHeader("X-Tenant-Id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(tenantId)));
        assertThat(pushes).as("one per webhook change, none for the sender").hasSize(2);
        for (var push : pushes) {
            assertThat(push.getHeader("X-Internal-Token")).isEqualTo(Http.LOCAL_INTERNAL_TOKEN);
        }
        JsonNode set = json.readTree(pushes.get(0).getBodyAsString());
        assertThat(set.get("url").asString()).isEqualTo("https://pushed.example/a");
        assertThat(set.get("secret").asString()).isEqualTo(secret);
        JsonNode cleared = json.readTree(pushes.get(1).getBodyAsString());
        assertThat(cleared.get("url").asString()).isEmpty();
        assertThat(cleared.get("version").asLong())
                .isGreaterThan(set.get("version").asLong());

        LoggedRequest sent = forwardedMessageRequest(pushed);
        assertThat(Long.parseLong(sent.getHeader("X-Tenant-Settings-Version")))
                .as("the sender change counted too")
                .isGreaterThan(cleared.get("version").asLong());
        assertThat(json.readTree(operator.get(path).body()).get("settings").has("settingsVersion"))
                .as("bookkeeping, not a setting")
                .isFalse();
    }

    @Test
    void theOperatorBodiesInTheOpenApiDocumentAreTheOnesTheGatewayReads() {
        JsonNode doc = json.readTree(
                new Http("http://localhost:" + port).get("/openapi.json").body());

        for (Class<?> body : java.util.List.of(
                io.relay.gateway.admin.AdminController.NewTenant.class,
                io.relay.gateway.admin.AdminController.TenantSettings.class)) {
            assertThat(doc.at("/components/schemas/" + body.getSimpleName() + "/properties")
                            .propertyNames())
                    .as(body.getSimpleName())
                    .containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(body.getRecordComponents())
                            .map(java.lang.reflect.RecordComponent::getName)
                            .toList());
        }
        assertThat(doc.at("/paths/~1admin~1tenants/post/requestBody/content/application~1json/schema/$ref")
                        .asString())
                .isEqualTo("#/components/schemas/NewTenant");
        assertThat(doc.at("/paths/~1admin~1tenants~1{tenantId}/patch/requestBody/content/application~1json/schema/$ref")
                        .asString())
                .isEqualTo("#/components/schemas/TenantSettings");
    }
}
