package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 21 through the whole system: two businesses connect their own Twilio accounts with their own API
 * keys (the gateway seals the tokens, sms-service checks them with the Twilio simulator before they are
 * saved), each one's SMS then go out through its own account with its own credentials and never through the
 * other's, the timeline names the account, and a saved token is readable neither in PostgreSQL nor in any
 * answer. A STOP to a tenant's own number, signed by its account, opts the customer out with that tenant only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvidersEndToEndTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private RunningSystem system;

    record Business(String tenantId, Http api, String sid, String token, String number, String phone) {}

    private Business a;
    private Business b;

    private static String hex32() {
        return HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 16);
    }

    @BeforeAll
    void system() {
        system = RunningSystem.shared();
        a = business("provider-a", "+31612349001");
        b = business("provider-b", "+31612349002");
    }

    private Business business(String name, String phone) {
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        HttpResponse<String> created = operator.post("/admin/tenants", "{\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode tenant = json.readTree(created.body());
        Http api = new Http(system.gatewayUrl())
                .header("Authorization", "Bearer " + tenant.get("apiKey").asString());
        api.put("/v1/categories/alerts", "{\"kind\":\"transactional\",\"defaultChannels\":[\"sms\"]}");
        api.put("/v1/customers/c-1", "{\"phone\":\"" + phone + "\"}");
        String sid = "AC" + hex32();
        String token = hex32();
        // the Twilio simulator knows this account with this token only
        system.providers.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + sid + ".json"))
                .withBasicAuth(sid, token)
                .atPriority(1)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"sid\":\"" + sid + "\",\"status\":\"active\",\"friendly_name\":\"" + name + "\"}")));
        system.providers.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/" + sid + ".json"))
                .atPriority(2)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":20003,\"message\":\"Authenticate\",\"status\":401}")));
        String number = "+3197010" + (100000 + (int) (Math.random() * 899999));
        return new Business(tenant.get("tenantId").asString(), api, sid, token, number, phone);
    }

    private static String account(Business business, String token) {
        return "{\"type\":\"twilio\",\"name\":\"own\",\"config\":{\"accountSid\":\"" + business.sid()
                + "\",\"from\":[\"" + business.number() + "\"]},\"secrets\":{\"authToken\":\"" + token + "\"}}";
    }

    private String connect(Business business) {
        HttpResponse<String> wrong = business.api().post("/v1/providers", account(business, hex32()));
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
        assertThat(wrong.body()).contains("secrets.authToken");
        HttpResponse<String> created = business.api().post("/v1/providers", account(business, business.token()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain(business.token());
        String id = json.readTree(created.body()).get("id").asString();
        // this business's SMS go through its own account only
        assertThat(business.api()
                        .put("/v1/providers/channels/sms", "{\"usePlatformDefault\":false}")
                        .statusCode())
                .isEqualTo(200);
        return id;
    }

    private String send(Business business, String text) {
        HttpResponse<String> response = business.api()
                .post(
                        "/v1/messages",
                        "{\"customerId\":\"c-1\",\"category\":\"alerts\",\"content\":{\"sms\":{\"text\":\"" + text
                                + "\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode message(Business business, String id) {
        return json.readTree(business.api().get("/v1/messages/" + id).body());
    }

    @Test
    void eachBusinessSendsThroughItsOwnTwilioAccountAndItsTokenIsNowhereToBeRead() throws Exception {
        String accountA = connect(a);
        String accountB = connect(b);

        String toA = send(a, "Alert for A " + accountA);
        String toB = send(b, "Alert for B " + accountB);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> message(a, toA).get("status").asString().equals("sent")
                        && message(b, toB).get("status").asString().equals("sent"));

        for (Business business : new Business[] {a, b}) {
            system.providers.verify(
                    1,
                    postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + business.sid() + "/Messages.json"))
                            .withBasicAuth(new com.github.tomakehurst.wiremock.client.BasicCredentials(
                                    business.sid(), business.token()))
                            .withFormParam("To", equalTo(business.phone()))
                            .withFormParam("From", equalTo(business.number())));
        }
        system.providers.verify(
                0,
                postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + a.sid() + "/Messages.json"))
                        .withFormParam("To", equalTo(b.phone())));
        system.providers.verify(
                0,
                postRequestedFor(urlPathEqualTo("/2010-04-01/Accounts/" + RunningSystem.TWILIO_SID + "/Messages.json"))
                        .withFormParam("To", equalTo(a.phone())));
        assertThat(message(a, toA).get("timeline").findValuesAsString("reason"))
                .anySatisfy(reason -> assertThat(reason).contains("via twilio:" + accountA));

        // the other business reaches neither the account nor the message
        assertThat(b.api().get("/v1/providers/" + accountA).statusCode()).isEqualTo(404);
        assertThat(b.api().get("/v1/messages/" + toA).statusCode()).isEqualTo(404);
        // the token: in no answer, and not in the gateway's database in any form
        assertThat(a.api().get("/v1/providers").body()).contains(accountA).doesNotContain(a.token());
        try (Connection db = DriverManager.getConnection(RunningSystem.jdbcUrl(system.gatewayDb), "postgres", "");
                ResultSet rows = db.createStatement().executeQuery("SELECT * FROM provider_accounts")) {
            int columns = rows.getMetaData().getColumnCount();
            int seen = 0;
            while (rows.next()) {
                seen++;
                for (int i = 1; i <= columns; i++) {
                    byte[] value = rows.getBytes(i);
                    String text = value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
                    assertThat(text).doesNotContain(a.token()).doesNotContain(b.token());
                }
            }
            assertThat(seen).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aBusinesssSmtpRelayThatStopsMidRunFailsOverToItsSecondAndEveryEmailArrivesOnce() throws Exception {
        Http operator = new Http(system.operatorUrl()).header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN);
        JsonNode tenant = json.readTree(
                operator.post("/admin/tenants", "{\"name\":\"relays\"}").body());
        Http api = new Http(system.gatewayUrl())
                .header("Authorization", "Bearer " + tenant.get("apiKey").asString());
        api.put("/v1/categories/news", "{\"kind\":\"transactional\",\"defaultChannels\":[\"email\"]}");
        api.put("/v1/customers/r-1", "{\"email\":\"r1@example.org\"}");
        String password1 = "pw-" + hex32();
        String password2 = "pw-" + hex32();
        io.relay.testsupport.SmtpServer first = io.relay.testsupport.SmtpServer.start(RunningSystem.RELAY_PORTS[0])
                .requireLogin("acme1", password1);
        io.relay.testsupport.SmtpServer second = io.relay.testsupport.SmtpServer.start(RunningSystem.RELAY_PORTS[1])
                .requireLogin("acme2", password2);
        try {
            for (int i = 0; i < 2; i++) {
                String relay =
                        "{\"type\":\"smtp\",\"name\":\"relay " + i + "\",\"config\":{\"host\":\"127.0.0.1\",\"port\":"
                                + RunningSystem.RELAY_PORTS[i] + ",\"tls\":\"none\",\"username\":\"acme" + (i + 1)
                                + "\"},\"secrets\":{\"password\":\"" + (i == 0 ? password1 : password2) + "\"}}";
                HttpResponse<String> created = api.post("/v1/providers", relay);
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                assertThat(created.body()).doesNotContain(password1).doesNotContain(password2);
            }
            assertThat(api.put("/v1/providers/channels/email", "{\"usePlatformDefault\":false}")
                            .statusCode())
                    .isEqualTo(200);
            int platformBefore = system.smtp.received().size();

            java.util.List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ids.add(sendEmail(api, "Before " + i));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> first.received().size() >= 5);
            java.util.List<String> atFirst = subjects(first);
            first.close(); // the first relay refuses connections from here on
            for (int i = 0; i < 5; i++) {
                ids.add(sendEmail(api, "After " + i));
            }
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> json.readTree(api.get("/v1/messages/" + id).body())
                                .get("status")
                                .asString()
                                .equals("sent"));
            }
            java.util.List<String> all = new java.util.ArrayList<>(atFirst);
            all.addAll(subjects(second));
            assertThat(all)
                    .containsExactlyInAnyOrder(
                            "Before 0",
                            "Before 1",
                            "Before 2",
                            "Before 3",
                            "Before 4",
                            "After 0",
                            "After 1",
                            "After 2",
                            "After 3",
                            "After 4");
            assertThat(system.smtp.received()).hasSize(platformBefore);
        } finally {
            first.close();
            second.close();
        }
    }

    private String sendEmail(Http api, String subject) {
        HttpResponse<String> response = api.post(
                "/v1/messages",
                "{\"customerId\":\"r-1\",\"category\":\"news\",\"content\":{\"email\":{\"subject\":\"" + subject
                        + "\",\"text\":\"Hello\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private static java.util.List<String> subjects(io.relay.testsupport.SmtpServer server) throws Exception {
        java.util.List<String> subjects = new java.util.ArrayList<>();
        for (jakarta.mail.internet.MimeMessage m : server.received()) {
            subjects.add(m.getSubject());
        }
        return subjects;
    }

    @Test
    void aStopToABusinesssOwnNumberSignedByItsAccountOptsOutWithThatBusinessOnly() throws Exception {
        connect(a);
        b.api().put("/v1/customers/c-stop", "{\"phone\":\"+31612349099\"}");
        a.api().put("/v1/customers/c-stop", "{\"phone\":\"+31612349099\"}");
        Map<String, String> stop =
                Map.of("From", "+31612349099", "To", a.number(), "Body", "STOP", "AccountSid", a.sid());

        assertThat(system.twilioCalls("/webhooks/twilio/inbound", stop, b.token())
                        .statusCode())
                .isEqualTo(403);
        assertThat(system.twilioCalls("/webhooks/twilio/inbound", stop, a.token())
                        .statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(15))
                .until(() -> json.readTree(
                                a.api().get("/v1/customers/c-stop/consents").body())
                        .findValuesAsString("source")
                        .contains("sms-keyword"));
        assertThat(json.readTree(b.api().get("/v1/customers/c-stop/consents").body())
                        .findValuesAsString("source"))
                .doesNotContain("sms-keyword");
    }
}
