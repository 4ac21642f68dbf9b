package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.relay.gateway.admin.OperatorListener;
import io.relay.gateway.tenant.TenantImport;
import io.relay.gateway.tenant.TenantStore;
import io.relay.testsupport.Http;
import io.relay.testsupport.TestNames;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.clients.jedis.JedisPooled;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenants, key hashes and the SMS sender map live in PostgreSQL: Redis can lose everything (FLUSHALL)
 * and every key still works, a revoked key stays revoked, and an inbound STOP still finds the tenants
 * sending from the number. What earlier versions kept in Redis is imported once.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "relay.gateway.admin-port=0",
            "relay.gateway.bootstrap-api-key=bootstrap-key-123456",
            "relay.gateway.bootstrap-tenant-id=bootstrap",
            "relay.gateway.admin-token=operator-secret-token"
        })
class TenantsOutliveRedisTest {

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
    OperatorListener operatorListener;

    @Autowired
    JedisPooled redis;

    @Autowired
    JdbcClient db;

    @Autowired
    TenantImport tenantImport;

    private final JsonMapper json = JsonMapper.builder().build();
    private Http operator;

    @BeforeEach
    void setUp() {
        BACKEND.resetAll();
        BACKEND.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching("/v1/customers/.*"))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        operator = new Http("http://localhost:" + operatorListener.port())
                .header("Authorization", "Bearer operator-secret-token");
    }

    private JsonNode tenant(String name, String smsFrom) {
        JsonNode created = json.readTree(
                operator.post("/admin/tenants", "{\"name\":\"" + name + "\"}").body());
        if (smsFrom != null) {
            HttpResponse<String> set = operator.send(
                    "PATCH",
                    "/admin/tenants/" + created.get("tenantId").asString(),
                    "{\"smsFrom\":\"" + smsFrom + "\"}",
                    Map.of());
            assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        }
        return created;
    }

    private String newKey(JsonNode tenant) {
        return json.readTree(
                        operator.post("/admin/tenants/" + tenant.get("tenantId").asString() + "/api-keys", null)
                                .body())
                .get("apiKey")
                .asString();
    }

    private int call(String apiKey) {
        return new Http("http://localhost:" + port)
                .header("Authorization", "Bearer " + apiKey)
                .get("/v1/customers/c-1")
                .statusCode();
    }

    private HttpResponse<String> senders(String query, String internalToken) {
        Http internal = new Http("http://localhost:" + operatorListener.port());
        if (internalToken != null) {
            internal.header("X-Internal-Token", internalToken);
        }
        return internal.get("/internal/sms-senders?" + query);
    }

    @Test
    void afterFlushallEveryKeyStillWorksARevokedKeyStaysRevokedAndTheSenderMapHolds() {
        String shared = "+31970" + (int) (Math.random() * 9_000_000 + 1_000_000);
        JsonNode acme = tenant("Acme", shared);
        JsonNode beta = tenant("Beta", shared);
        JsonNode plain = tenant("Plain", null);
        String revoked = acme.get("apiKey").asString();
        assertThat(call(revoked)).isEqualTo(200);
        assertThat(operator.delete("/admin/tenants/" + acme.get("tenantId").asString() + "/api-keys/"
                                + acme.get("keyId").asString())
                        .statusCode())
                .isEqualTo(204);
        // keys never used before the flush: no replica can answer them from memory
        String acmeKey = newKey(acme);
        String betaKey = beta.get("apiKey").asString();
        String plainKey = plain.get("apiKey").asString();

        redis.flushAll();

        assertThat(call(acmeKey)).isEqualTo(200);
        assertThat(call(betaKey)).isEqualTo(200);
        assertThat(call(plainKey)).isEqualTo(200);
        assertThat(call("bootstrap-key-123456")).as("the bootstrap key").isEqualTo(200);
        assertThat(call(revoked)).as("revoked stays revoked").isEqualTo(401);

        HttpResponse<String> toShared = senders("sender=" + shared.replace("+", "%2B"), Http.LOCAL_INTERNAL_TOKEN);
        assertThat(toShared.statusCode()).as(toShared.body()).isEqualTo(200);
        assertThat(json.readTree(toShared.body()).get("tenants").valueStream().map(JsonNode::asString))
                .containsExactlyInAnyOrder(
                        acme.get("tenantId").asString(), beta.get("tenantId").asString());
        JsonNode toPlatform = json.readTree(senders("sender=%2B15005550006&platform=true", Http.LOCAL_INTERNAL_TOKEN)
                .body());
        assertThat(toPlatform.get("tenants").valueStream().map(JsonNode::asString))
                .as("every tenant without a sender of its own sends from the platform's")
                .contains(plain.get("tenantId").asString(), "bootstrap")
                .doesNotContain(
                        acme.get("tenantId").asString(), beta.get("tenantId").asString());
    }

    @Test
    void theSenderMapAnswersOnlyTheServicesOnlyOnTheOperatorPort() {
        assertThat(senders("sender=%2B15005550006", null).statusCode()).isEqualTo(401);
        assertThat(senders("sender=%2B15005550006", "guessed").statusCode()).isEqualTo(401);
        assertThat(new Http("http://localhost:" + port)
                        .header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN)
                        .get("/internal/sms-senders?sender=%2B15005550006")
                        .statusCode())
                .as("not on the public port")
                .isEqualTo(404);
    }

    @Test
    void tenantsAndKeysAnEarlierVersionKeptInRedisAreImportedOnceAndRevokedOnesStayOut() {
        String tenantId = TestNames.unique("t_legacy");
        String liveKey = "rly_k_legacy01_" + TestNames.unique("secret");
        String revokedKey = "rly_k_legacy02_" + TestNames.unique("secret");
        // the old store: a hash per tenant, its live keys' hashes, a hash per live key
        redis.hset(
                "gateway:tenant:" + tenantId,
                Map.of(
                        "name", "Legacy Dental",
                        "createdAt", "2026-01-02T03:04:05Z",
                        "smsFrom", "+3197010000999",
                        "settingsVersion", "4"));
        redis.hset("gateway:tenant:" + tenantId + ":keys", "k_legacy01", TenantStore.sha256(liveKey));
        redis.hset("gateway:apikey:" + TenantStore.sha256(liveKey), Map.of("tenant", tenantId, "keyId", "k_legacy01"));
        // revoked under the old store: deleted from both, so nothing of it is left to import
        assertThat(call(liveKey)).as("not imported yet").isEqualTo(401);
        db.sql("DELETE FROM imports").update(); // as on the first start of this version

        int[] imported = tenantImport.importFromRedis();

        assertThat(imported).isNotNull();
        assertThat(call(liveKey)).isEqualTo(200);
        assertThat(call(revokedKey)).isEqualTo(401);
        JsonNode legacy =
                json.readTree(operator.get("/admin/tenants/" + tenantId).body());
        assertThat(legacy.get("name").asString()).isEqualTo("Legacy Dental");
        assertThat(legacy.get("settings").get("smsFrom").asString()).isEqualTo("+3197010000999");
        assertThat(tenantImport.importFromRedis()).as("once").isNull();
        redis.del("gateway:tenant:" + tenantId, "gateway:tenant:" + tenantId + ":keys");
        redis.del("gateway:apikey:" + TenantStore.sha256(liveKey));
    }
}
