package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Redis loses everything (FLUSHALL) under the running system: every tenant's key still works, a revoked
 * key stays revoked, and a customer's STOP to a tenant's own number still opts them out with that
 * tenant: tenants, key hashes and the sender map live in the gateway's PostgreSQL.
 */
class TenantsOutliveRedisEndToEndTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void afterFlushallKeysStillWorkRevokedOnesStayRevokedAndAStopToATenantsNumberOptsOut() throws Exception {
        RunningSystem system = RunningSystem.shared();
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        JsonNode tenant = json.readTree(
                operator.post("/admin/tenants", "{\"name\":\"Flush Dental\"}").body());
        String tenantId = tenant.get("tenantId").asString();
        String ownNumber = "+3197010" + (int) (Math.random() * 900_000 + 100_000);
        assertThat(operator.send("PATCH", "/admin/tenants/" + tenantId, "{\"smsFrom\":\"" + ownNumber + "\"}", Map.of())
                        .statusCode())
                .isEqualTo(200);
        String revoked = tenant.get("apiKey").asString();
        String live = json.readTree(operator.post("/admin/tenants/" + tenantId + "/api-keys", null)
                        .body())
                .get("apiKey")
                .asString();
        assertThat(operator.delete("/admin/tenants/" + tenantId + "/api-keys/"
                                + tenant.get("keyId").asString())
                        .statusCode())
                .isEqualTo(204);
        Http business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + live);
        String phone = "+3161234" + (int) (Math.random() * 9_000 + 1_000);
        business.put("/v1/categories/alerts", "{\"kind\":\"transactional\",\"defaultChannels\":[\"sms\"]}");
        assertThat(business.put("/v1/customers/flush-1", "{\"phone\":\"" + phone + "\"}")
                        .statusCode())
                .isIn(200, 201);

        try (JedisPooled redis = new JedisPooled(
                LocalInfrastructure.redisHost(),
                Integer.getInteger("e2e.redis-port", LocalInfrastructure.redisPort()))) {
            redis.flushAll();
        }

        assertThat(business.get("/v1/customers/flush-1").statusCode())
                .as("the live key")
                .isEqualTo(200);
        assertThat(new Http(system.gatewayUrl())
                        .header("Authorization", "Bearer " + revoked)
                        .get("/v1/customers/flush-1")
                        .statusCode())
                .as("the revoked key")
                .isEqualTo(401);
        assertThat(new Http(system.gatewayUrl())
                        .header("Authorization", "Bearer " + RunningSystem.API_KEY)
                        .get("/v1/customers/flush-1")
                        .statusCode())
                .as("another tenant's key works and sees no customer of this one")
                .isEqualTo(404);
        HttpResponse<String> stop =
                system.twilioCalls("/webhooks/twilio/inbound", Map.of("From", phone, "To", ownNumber, "Body", "STOP"));
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> json.readTree(
                                business.get("/v1/customers/flush-1/consents").body())
                        .findValuesAsString("source")
                        .contains("sms-keyword"));
    }
}
