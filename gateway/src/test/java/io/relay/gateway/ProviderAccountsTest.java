package io.relay.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.relay.gateway.admin.OperatorListener;
import io.relay.security.SecretBox;
import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tenant connects its own provider accounts with its API key, and the operator does it for a tenant:
 * credentials are checked before they are saved, sealed in PostgreSQL, never answered back, and one
 * tenant never reaches another's accounts. The channel service's check is a stand-in at the wire.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"relay.gateway.admin-port=0"})
class ProviderAccountsTest {

    private static final StandIns STAND_INS = new StandIns();
    private static final WireMockServer SMS_SERVICE = STAND_INS.services;
    private static final String OPERATOR_TOKEN = "admin-" + UUID.randomUUID() + UUID.randomUUID();
    private static final String SECRETS_KEY = "key-" + UUID.randomUUID() + UUID.randomUUID();

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        STAND_INS.register(registry);
        registry.add("relay.gateway.admin-token", () -> OPERATOR_TOKEN);
        registry.add("relay.providers.secrets-key", () -> SECRETS_KEY);
    }

    @AfterAll
    static void stop() {
        SMS_SERVICE.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    OperatorListener operatorListener;

    @Autowired
    JdbcClient db;

    private final JsonMapper json = JsonMapper.builder().build();
    private Http operator;
    private String keyA;
    private String keyB;
    private String tenantA;

    @BeforeEach
    void setUp() {
        SMS_SERVICE.resetAll();
        SMS_SERVICE.stubFor(post(urlEqualTo("/internal/providers/check"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":true}")));
        operator = new Http("http://localhost:" + operatorListener.port())
                .header("Authorization", "Bearer " + OPERATOR_TOKEN);
        JsonNode a = tenant("a");
        JsonNode b = tenant("b");
        tenantA = a.get("tenantId").asString();
        keyA = a.get("apiKey").asString();
        keyB = b.get("apiKey").asString();
    }

    private JsonNode tenant(String name) {
        HttpResponse<String> created = operator.post("/admin/tenants", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return json.readTree(created.body());
    }

    private Http as(String key) {
        return new Http("http://localhost:" + port).header("Authorization", "Bearer " + key);
    }

    private static String hex32() {
        return HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 16);
    }

    private static String twilio(String accountSid, String token) {
        return "{\"type\":\"twilio\",\"name\":\"Our Twilio\",\"config\":{\"accountSid\":\"" + accountSid
                + "\",\"from\":[\"+15005550006\"]},\"secrets\":{\"authToken\":\"" + token + "\"}}";
    }

    private long accounts() {
        return db.sql("SELECT count(*) FROM provider_accounts")
                .query(Long.class)
                .single();
    }

    @Test
    void aTenantsSavedAuthTokenIsCheckedSealedAndNeverAnsweredBack() {
        String sid = "AC" + hex32();
        String token = hex32();

        HttpResponse<String> created = as(keyA).post("/v1/providers", twilio(sid, token));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode account = json.readTree(created.body());
        String id = account.get("id").asString();
        assertThat(created.headers().firstValue("Location")).contains("/v1/providers/" + id);
        assertThat(account.get("channel").asString()).isEqualTo("sms");
        assertThat(account.get("config").get("accountSid").asString()).isEqualTo(sid);
        assertThat(account.get("secrets").toString()).isEqualTo("[\"authToken\"]");
        // the channel service was asked, with the credentials sealed: the token itself never went
        SMS_SERVICE.verify(
                postRequestedFor(urlEqualTo("/internal/providers/check")).withRequestBody(containing(sid)));
        assertThat(SMS_SERVICE.getAllServeEvents().getFirst().getRequest().getBodyAsString())
                .doesNotContain(token);

        for (String answer : List.of(
                created.body(),
                as(keyA).get("/v1/providers").body(),
                as(keyA).get("/v1/providers/" + id).body(),
                operator.get("/admin/tenants/" + tenantA + "/providers").body(),
                operator.get("/admin/tenants/" + tenantA + "/providers/" + id).body())) {
            assertThat(answer).contains(id).doesNotContain(token);
        }
        Map<String, Object> row = db.sql("SELECT * FROM provider_accounts WHERE account_id = ?")
                .param(id)
                .query()
                .singleRow();
        for (Object column : row.values()) {
            String text = column instanceof byte[] bytes
                    ? new String(bytes, StandardCharsets.ISO_8859_1)
                    : String.valueOf(column);
            assertThat(text).doesNotContain(token);
        }
        // what the channel services are given opens, with the key, to the token
        HttpResponse<String> internal = new Http("http://localhost:" + operatorListener.port())
                .header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN)
                .get("/internal/provider-accounts/" + id);
        JsonNode sealed = json.readTree(internal.body());
        String opened = new SecretBox(SECRETS_KEY, null)
                .open(
                        new SecretBox.Sealed(
                                sealed.get("keyId").asString(),
                                Base64.getDecoder()
                                        .decode(sealed.get("wrappedKey").asString()),
                                Base64.getDecoder().decode(sealed.get("secret").asString())),
                        tenantA + "|" + id);
        assertThat(opened).contains(token);
    }

    @Test
    void anotherTenantCannotSeeChangeOrDeleteAnAccount() {
        String id = json.readTree(as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()))
                        .body())
                .get("id")
                .asString();

        assertThat(as(keyB).get("/v1/providers/" + id).statusCode()).isEqualTo(404);
        assertThat(as(keyB).send("PATCH", "/v1/providers/" + id, "{\"name\":\"mine now\"}", Map.of())
                        .statusCode())
                .isEqualTo(404);
        assertThat(as(keyB).delete("/v1/providers/" + id).statusCode()).isEqualTo(404);
        assertThat(as(keyB).get("/v1/providers").body()).doesNotContain(id);
        assertThat(as(keyB).put("/v1/providers/channels/sms", "{\"order\":[\"" + id + "\"]}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(as(keyA).get("/v1/providers/" + id).body()).contains("Our Twilio");
    }

    @Test
    void withoutAValidKeyOrOnTheWrongPortNothingIsAnsweredOrSaved() {
        long before = accounts();
        Http anonymous = new Http("http://localhost:" + port);
        assertThat(anonymous
                        .post("/v1/providers", twilio("AC" + hex32(), hex32()))
                        .statusCode())
                .isEqualTo(401);
        assertThat(as("rly_k_nosuchkey_" + hex32()).get("/v1/providers").statusCode())
                .isEqualTo(401);
        assertThat(as(OPERATOR_TOKEN).get("/v1/providers").statusCode()).isEqualTo(401);
        // the operator's API is not on the public port, the tenants' not on the operator's
        assertThat(as(OPERATOR_TOKEN)
                        .get("/admin/tenants/" + tenantA + "/providers")
                        .statusCode())
                .isEqualTo(404);
        assertThat(new Http("http://localhost:" + operatorListener.port())
                        .header("Authorization", "Bearer " + keyA)
                        .get("/v1/providers")
                        .statusCode())
                .isEqualTo(404);
        assertThat(new Http("http://localhost:" + operatorListener.port())
                        .header("Authorization", "Bearer " + keyA)
                        .get("/admin/tenants/" + tenantA + "/providers")
                        .statusCode())
                .isEqualTo(401);
        // the channel services' view wants the internal token
        assertThat(new Http("http://localhost:" + operatorListener.port())
                        .get("/internal/provider-accounts?tenant=" + tenantA + "&channel=sms")
                        .statusCode())
                .isEqualTo(401);
        assertThat(accounts()).isEqualTo(before);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndSavesNothing() {
        long before = accounts();

        HttpResponse<String> noSid = as(keyA).post(
                        "/v1/providers",
                        "{\"type\":\"twilio\",\"name\":\"x\",\"config\":{\"from\":[\"555\"]},\"secrets\":{\"authToken\":\"short\"}}");
        assertThat(noSid.statusCode()).isEqualTo(400);
        assertThat(noSid.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
        assertThat(noSid.body())
                .contains("config.accountSid", "config.from", "secrets.authToken")
                .doesNotContain("short");

        HttpResponse<String> fcm = as(keyA).post("/v1/providers", "{\"type\":\"fax\",\"name\":\"push\"}");
        assertThat(fcm.statusCode()).isEqualTo(400);
        assertThat(json.readTree(fcm.body()).get("errors").get(0).get("field").asString())
                .isEqualTo("type");

        HttpResponse<String> nullSender = as(keyA).post(
                        "/v1/providers",
                        "{\"type\":\"twilio\",\"name\":\"x\",\"config\":{\"accountSid\":\"AC" + hex32()
                                + "\",\"from\":[\"+15005550006\"],\"messagingServiceSid\":null},\"secrets\":{\"authToken\":\""
                                + hex32() + "\"}}");
        assertThat(nullSender.statusCode()).isEqualTo(400);
        assertThat(nullSender.body()).contains("config.messagingServiceSid");
        HttpResponse<String> bidiName = as(keyA).post(
                        "/v1/providers", twilio("AC" + hex32(), hex32()).replace("Our Twilio", "Our \\u202eoiliwT"));
        assertThat(bidiName.statusCode()).isEqualTo(400);
        assertThat(bidiName.body()).contains("\"field\":\"name\"");

        HttpResponse<String> wrongShape =
                as(keyA).post("/v1/providers", "{\"type\":\"twilio\",\"name\":\"x\",\"config\":\"not an object\"}");
        assertThat(wrongShape.statusCode()).isEqualTo(400);
        assertThat(wrongShape.body()).contains("\"field\":\"config\"");
        HttpResponse<String> notJson = as(keyA).post("/v1/providers", "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("problem+json"));

        // the provider refuses the credentials: the field is named, nothing is kept
        SMS_SERVICE.stubFor(
                post(urlEqualTo("/internal/providers/check"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"ok\":false,\"field\":\"secrets.authToken\",\"detail\":\"Twilio refused these credentials (401)\"}")));
        HttpResponse<String> refused = as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("secrets.authToken", "Twilio refused");

        // the check cannot be made: 503, nothing kept
        SMS_SERVICE.stubFor(post(urlEqualTo("/internal/providers/check"))
                .willReturn(aResponse().withStatus(503)));
        assertThat(as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()))
                        .statusCode())
                .isEqualTo(503);

        assertThat(accounts()).isEqualTo(before);
    }

    @Test
    void aChannelsOrderAndThePlatformDefaultAreTheTenantsToSet() {
        String first = json.readTree(as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()))
                        .body())
                .get("id")
                .asString();
        String second = json.readTree(as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()))
                        .body())
                .get("id")
                .asString();
        Http internal = new Http("http://localhost:" + operatorListener.port())
                .header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN);
        assertThat(internal.get("/internal/provider-accounts?tenant=" + tenantA + "&channel=sms")
                        .body())
                .containsSubsequence(first, second)
                .contains("\"usePlatformDefault\":true");

        HttpResponse<String> missingOne =
                as(keyA).put("/v1/providers/channels/sms", "{\"order\":[\"" + second + "\"]}");
        assertThat(missingOne.statusCode()).isEqualTo(400);
        assertThat(missingOne.body()).contains("\"field\":\"order\"");

        HttpResponse<String> reordered = as(keyA).put(
                        "/v1/providers/channels/sms",
                        "{\"order\":[\"" + second + "\",\"" + first + "\"],\"usePlatformDefault\":false}");
        assertThat(reordered.statusCode()).as(reordered.body()).isEqualTo(200);
        assertThat(internal.get("/internal/provider-accounts?tenant=" + tenantA + "&channel=sms")
                        .body())
                .containsSubsequence(second, first)
                .contains("\"usePlatformDefault\":false");
        assertThat(as(keyA).put("/v1/providers/channels/fax", "{}").statusCode())
                .isEqualTo(404);

        assertThat(as(keyA).delete("/v1/providers/" + second).statusCode()).isEqualTo(204);
        assertThat(internal.get("/internal/provider-accounts?tenant=" + tenantA + "&channel=sms")
                        .body())
                .contains(first)
                .doesNotContain(second);
    }

    @Test
    void everyAnswerCarriesARequestIdAndATenantHasAtMostTenAccountsAChannel() {
        HttpResponse<String> unauthenticated = new Http("http://localhost:" + port)
                .header("X-Request-Id", "mine-123")
                .get("/v1/providers");
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        assertThat(unauthenticated.headers().firstValue("X-Request-Id")).hasValue("mine-123");
        assertThat(as(keyA).get("/v1/providers").headers().firstValue("X-Request-Id"))
                .isPresent();

        for (int i = 0; i < 10; i++) {
            assertThat(as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()))
                            .statusCode())
                    .isEqualTo(201);
        }
        HttpResponse<String> eleventh = as(keyA).post("/v1/providers", twilio("AC" + hex32(), hex32()));
        assertThat(eleventh.statusCode()).isEqualTo(400);
        assertThat(eleventh.body()).contains("at most 10");
    }

    @Test
    void credentialChecksAreLimitedToTenAMinuteATenantSoAKeyCannotTestStolenCredentialsAtItsWholeRate() {
        String id = json.readTree(as(keyB).post("/v1/providers", twilio("AC" + hex32(), hex32()))
                        .body())
                .get("id")
                .asString();
        int checked = 1;
        HttpResponse<String> answer;
        do {
            answer = as(keyB).send(
                            "PATCH",
                            "/v1/providers/" + id,
                            "{\"secrets\":{\"authToken\":\"" + hex32() + "\"}}",
                            Map.of());
            checked++;
        } while (answer.statusCode() == 200 && checked < 25);
        // ten a minute; up to twenty when the minute turned during the loop
        assertThat(answer.statusCode()).isEqualTo(429);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(checked).isBetween(11, 21);
        long checks = SMS_SERVICE.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/internal/providers/check"))
                .count();
        assertThat(checks).as("the refused one never reached a provider").isEqualTo(checked - 1);
    }

    @Test
    void smtpRelaysAndFcmProjectsAreCheckedByTheirOwnChannelServiceAndTheirSecretsKeptAsTwilios() {
        String password = "pw-" + hex32();
        HttpResponse<String> relay = as(keyA).post(
                        "/v1/providers",
                        "{\"type\":\"smtp\",\"name\":\"Our relay\",\"config\":{\"host\":\"smtp.acme.example\",\"port\":587,"
                                + "\"username\":\"acme\",\"returnPathDomain\":\"bounces.acme.example\"},\"secrets\":{\"password\":\""
                                + password + "\"}}");
        assertThat(relay.statusCode()).as(relay.body()).isEqualTo(201);
        assertThat(relay.body())
                .contains("\"channel\":\"email\"", "\"secrets\":[\"password\"]")
                .doesNotContain(password);

        String serviceAccount = "{\\\"type\\\":\\\"service_account\\\",\\\"private_key\\\":\\\"" + hex32() + "\\\"}";
        HttpResponse<String> project = as(keyA).post(
                        "/v1/providers",
                        "{\"type\":\"fcm\",\"name\":\"Our app\",\"config\":{\"projectId\":\"acme-app\"},"
                                + "\"secrets\":{\"serviceAccountJson\":\"" + serviceAccount + "\"}}");
        assertThat(project.statusCode()).as(project.body()).isEqualTo(201);
        assertThat(project.body()).contains("\"channel\":\"push\"").doesNotContain("private_key");
        // each was checked, sealed: the stand-in saw the type, never the password
        assertThat(SMS_SERVICE.getAllServeEvents())
                .extracting(e -> e.getRequest().getBodyAsString())
                .anySatisfy(
                        body -> assertThat(body).contains("\"type\":\"smtp\"").doesNotContain(password))
                .anySatisfy(
                        body -> assertThat(body).contains("\"type\":\"fcm\"").doesNotContain("private_key"));

        HttpResponse<String> badPort = as(keyA).post(
                        "/v1/providers",
                        "{\"type\":\"smtp\",\"name\":\"x\",\"config\":{\"host\":\"smtp.acme.example\",\"port\":70000,"
                                + "\"username\":\"u\"}}");
        assertThat(badPort.statusCode()).isEqualTo(400);
        assertThat(badPort.body()).contains("config.port", "secrets.password");
        HttpResponse<String> noKey = as(keyA).post(
                        "/v1/providers", "{\"type\":\"fcm\",\"name\":\"x\",\"config\":{\"projectId\":\"Not_An_Id\"}}");
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.body()).contains("config.projectId", "secrets.serviceAccountJson");
    }

    @Test
    void aChangedTokenIsCheckedAgainAndAChangedNameIsNot() {
        String token = hex32();
        String id = json.readTree(as(keyA).post("/v1/providers", twilio("AC" + hex32(), token))
                        .body())
                .get("id")
                .asString();
        SMS_SERVICE.resetRequests();

        HttpResponse<String> renamed = as(keyA).send("PATCH", "/v1/providers/" + id, "{\"name\":\"Backup\"}", Map.of());
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
        assertThat(SMS_SERVICE.getAllServeEvents()).isEmpty();

        SMS_SERVICE.stubFor(
                post(urlEqualTo("/internal/providers/check"))
                        .willReturn(
                                aResponse()
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"ok\":false,\"field\":\"secrets.authToken\",\"detail\":\"Twilio refused these credentials (401)\"}")));
        String newToken = hex32();
        HttpResponse<String> refused = as(keyA).send(
                        "PATCH", "/v1/providers/" + id, "{\"secrets\":{\"authToken\":\"" + newToken + "\"}}", Map.of());
        assertThat(refused.statusCode()).isEqualTo(400);
        // the old token is still the one kept
        JsonNode sealed = json.readTree(new Http("http://localhost:" + operatorListener.port())
                .header("X-Internal-Token", Http.LOCAL_INTERNAL_TOKEN)
                .get("/internal/provider-accounts/" + id)
                .body());
        String opened = new SecretBox(SECRETS_KEY, null)
                .open(
                        new SecretBox.Sealed(
                                sealed.get("keyId").asString(),
                                Base64.getDecoder()
                                        .decode(sealed.get("wrappedKey").asString()),
                                Base64.getDecoder().decode(sealed.get("secret").asString())),
                        tenantA + "|" + id);
        assertThat(opened).contains(token).doesNotContain(newToken);
        assertThat(sealed.get("name").asString()).isEqualTo("Backup");
    }
}
