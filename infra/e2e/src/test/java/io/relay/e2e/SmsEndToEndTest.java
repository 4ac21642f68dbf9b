package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SMS end to end: a message reaches the Twilio simulator, Twilio's status callback (through the
 * gateway, signed) moves it to delivered, and a STOP reply means the next message goes by email.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmsEndToEndTest {

    private static final String PHONE = "+31612340001";
    private final JsonMapper json = JsonMapper.builder().build();
    private RunningSystem system;
    private Http business;

    @BeforeAll
    void system() {
        system = RunningSystem.shared();
        business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        business.put("/v1/categories/alerts", "{\"kind\":\"transactional\",\"defaultChannels\":[\"sms\",\"email\"]}");
        business.put("/v1/customers/s-1", "{\"phone\":\"" + PHONE + "\",\"email\":\"s1@example.org\"}");
    }

    private String send(String text) {
        HttpResponse<String> response = business.post(
                "/v1/messages",
                "{\"customerId\":\"s-1\",\"category\":\"alerts\",\"content\":{\"sms\":{\"text\":\"" + text
                        + "\"},\"email\":{\"subject\":\"Alert\",\"text\":\"" + text + "\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    private JsonNode message(String id) {
        return json.readTree(business.get("/v1/messages/" + id).body());
    }

    private HttpResponse<String> twilioCalls(String pathAndQuery, Map<String, String> params) throws Exception {
        return system.twilioCalls(pathAndQuery, params);
    }

    @Test
    void anSmsIsSentDeliveredPerTwilioAndAStopReplyMovesTheNextMessageToEmail() throws Exception {
        String first = send("Storm warning");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> message(first).get("status").asString().equals("sent"));
        assertThat(message(first).get("channel").asString()).isEqualTo("sms");
        system.providers.verify(
                1,
                postRequestedFor(urlPathMatching("/2010-04-01/Accounts/" + RunningSystem.TWILIO_SID + "/Messages.json"))
                        .withFormParam("To", equalTo(PHONE))
                        .withFormParam("From", equalTo(RunningSystem.TWILIO_FROM))
                        .withFormParam("Body", equalTo("Storm warning")));

        String tenant = RunningSystem.TENANT;
        HttpResponse<String> callback = twilioCalls(
                "/webhooks/twilio/status?m=" + first + "&t=" + tenant,
                Map.of("MessageSid", "SM42", "MessageStatus", "delivered", "AccountSid", RunningSystem.TWILIO_SID));
        assertThat(callback.statusCode()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> message(first).get("status").asString().equals("delivered"));

        HttpResponse<String> stop = twilioCalls(
                "/webhooks/twilio/inbound", Map.of("From", PHONE, "To", RunningSystem.TWILIO_FROM, "Body", "STOP"));
        assertThat(stop.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> json.readTree(
                                business.get("/v1/customers/s-1/consents").body())
                        .findValuesAsString("source")
                        .contains("sms-keyword"));

        String second = send("Storm over");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> message(second).get("status").asString().equals("sent"));
        assertThat(message(second).get("channel").asString())
                .as("STOP stopped the next SMS")
                .isEqualTo("email");
        system.providers.verify(
                1,
                postRequestedFor(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                        .withFormParam("To", equalTo(PHONE)));
    }
}
