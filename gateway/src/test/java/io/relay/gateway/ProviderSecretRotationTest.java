package io.relay.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.gateway.admin.OperatorListener;
import io.relay.gateway.provider.ProviderAccountStore;
import io.relay.security.SecretBox;
import io.relay.testsupport.Http;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Rotating PROVIDER_SECRETS_KEY (docs/runbook.md): with the old key among the previous ones, accounts sealed
 * under it still open, and a rewrap moves every one under the new key without changing its secret; an
 * account under a key the gateway no longer holds is counted, not lost and not fatal.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"relay.gateway.admin-port=0"})
class ProviderSecretRotationTest {

    private static final StandIns STAND_INS = new StandIns();
    private static final String OPERATOR_TOKEN = "admin-" + UUID.randomUUID() + UUID.randomUUID();
    private static final String OLD_KEY = "old-" + UUID.randomUUID() + UUID.randomUUID();
    private static final String NEW_KEY = "new-" + UUID.randomUUID() + UUID.randomUUID();
    private static final String LOST_KEY = "lost-" + UUID.randomUUID() + UUID.randomUUID();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        STAND_INS.register(registry);
        registry.add("relay.gateway.admin-token", () -> OPERATOR_TOKEN);
        registry.add("relay.providers.secrets-key", () -> NEW_KEY);
        registry.add("relay.providers.secrets-keys-previous", () -> OLD_KEY);
    }

    @AfterAll
    static void stop() {
        STAND_INS.services.stop();
    }

    @Autowired
    OperatorListener operatorListener;

    @Autowired
    ProviderAccountStore store;

    private final JsonMapper json = JsonMapper.builder().build();

    private ProviderAccountStore.Account sealedUnder(String key, String tenantId, String accountId, String secret) {
        return new ProviderAccountStore.Account(
                accountId,
                tenantId,
                "sms",
                "twilio",
                "old",
                0,
                Map.of("accountSid", "AC" + "0".repeat(32), "from", List.of("+15005550006")),
                List.of("authToken"),
                new SecretBox(key, null).seal(secret, tenantId + "|" + accountId),
                1,
                null,
                null,
                null);
    }

    @Test
    void accountsSealedUnderThePreviousKeyAreRewrappedUnderTheNewOne() {
        Http operator = new Http("http://localhost:" + operatorListener.port())
                .header("Authorization", "Bearer " + OPERATOR_TOKEN);
        String tenant = json.readTree(operator.post("/admin/tenants", "{\"name\":\"rotating\"}")
                        .body())
                .get("tenantId")
                .asString();
        String secret = "{\"authToken\":\"" + UUID.randomUUID() + "\"}";
        String oldId = "pa_old" + UUID.randomUUID().toString().substring(0, 8);
        String lostId = "pa_lost" + UUID.randomUUID().toString().substring(0, 8);
        store.insert(sealedUnder(OLD_KEY, tenant, oldId, secret));
        store.insert(sealedUnder(LOST_KEY, tenant, lostId, secret));

        JsonNode answer = json.readTree(
                operator.post("/admin/provider-secrets/rewrap", "").body());

        String newKeyId = SecretBox.keyId(NEW_KEY);
        assertThat(answer.get("currentKeyId").asString()).isEqualTo(newKeyId);
        assertThat(answer.get("rewrapped").asInt()).isEqualTo(1);
        assertThat(answer.get("unreadable").asInt()).isEqualTo(1);
        JsonNode counts =
                json.readTree(operator.get("/admin/provider-secrets").body()).get("accountsByKeyId");
        assertThat(counts.get(newKeyId).asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counts.has(SecretBox.keyId(OLD_KEY))).isFalse();
        assertThat(counts.get(SecretBox.keyId(LOST_KEY)).asLong()).isEqualTo(1);

        // after the rotation the new key alone opens it, to the same secret
        JsonNode sealed = json.readTree(new Http("http://localhost:" + operatorListener.port())
                .header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN)
                .get("/internal/provider-accounts/" + oldId)
                .body());
        assertThat(sealed.get("keyId").asString()).isEqualTo(newKeyId);
        assertThat(new SecretBox(NEW_KEY, null)
                        .open(
                                new SecretBox.Sealed(
                                        sealed.get("keyId").asString(),
                                        Base64.getDecoder()
                                                .decode(sealed.get("wrappedKey").asString()),
                                        Base64.getDecoder()
                                                .decode(sealed.get("secret").asString())),
                                tenant + "|" + oldId))
                .isEqualTo(secret);
    }
}
