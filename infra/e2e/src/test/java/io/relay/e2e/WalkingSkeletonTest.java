package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import io.relay.testsupport.SmtpServer;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole path as a business sees it: through the gateway, over RabbitMQ, out by SMTP, and the
 * timeline back; and a crash of email-service in the middle of sending that loses nothing and sends
 * nothing twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private RunningSystem system;
    private Http business;

    @BeforeAll
    void startSystem() {
        system = RunningSystem.shared();
        business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        HttpResponse<String> category = business.put(
                "/v1/categories/appointments",
                "{\"description\":\"Appointment reminders\",\"kind\":\"transactional\","
                        + "\"defaultChannels\":[\"email\",\"sms\"],\"urgentAllowed\":true}");
        assertThat(category.statusCode()).as(category.body()).isIn(200, 201);
    }

    private void customer(String id, String email) {
        HttpResponse<String> put = business.put(
                "/v1/customers/" + id,
                "{\"email\":\"" + email + "\",\"timeZone\":\"Europe/Amsterdam\",\"locale\":\"nl-NL\"}");
        assertThat(put.statusCode()).as(put.body()).isIn(200, 201);
    }

    private String send(String customerId, String subject) {
        HttpResponse<String> response = business.post("/v1/messages", """
                { "customerId": "%s", "category": "appointments",
                  "content": { "email": { "subject": "%s", "text": "See you at 09:30",
                                          "html": "<p>See you at <b>09:30</b></p>" } } }
                """.formatted(customerId, subject));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("status").asString()).isEqualTo("accepted");
        assertThat(response.headers().firstValue("Location"))
                .hasValue("/v1/messages/" + body.get("id").asString());
        return body.get("id").asString();
    }

    private JsonNode message(String id) {
        HttpResponse<String> response = business.get("/v1/messages/" + id);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private String statusOf(String id) {
        return message(id).get("status").asString();
    }

    private static Map<String, Integer> receivedByMessageId(SmtpServer smtp) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (MimeMessage m : smtp.received()) {
            counts.merge(m.getMessageID(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    @Order(1)
    void aMessageTravelsFromTheGatewayToTheSmtpServerAndItsTimelineShowsEachStep() throws Exception {
        customer("c-42", "ana@example.org");

        String id = send("c-42", "Your appointment tomorrow");

        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(id).equals("sent"));
        JsonNode view = message(id);
        assertThat(view.get("channel").asString()).isEqualTo("email");
        assertThat(view.get("customerId").asString()).isEqualTo("c-42");
        List<String> events = new ArrayList<>();
        Instant previous = Instant.EPOCH;
        for (JsonNode entry : view.get("timeline")) {
            events.add(entry.get("event").asString());
            Instant at = Instant.parse(entry.get("at").asString());
            assertThat(at).isAfterOrEqualTo(previous);
            previous = at;
        }
        assertThat(events).containsExactly("accepted", "routed", "dispatched", "sent");
        MimeMessage mail = system.smtp.received().stream()
                .filter(m -> messageIdOf(m).equals("<" + id + "@relay>"))
                .findFirst()
                .orElseThrow();
        assertThat(mail.getSubject()).isEqualTo("Your appointment tomorrow");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("ana@example.org");
    }

    @Test
    @Order(1)
    void everyServiceIsReadyAndExposesPrometheusMetrics() {
        for (ServiceProcess service : system.all()) {
            HttpResponse<String> metrics = new Http(service.baseUrl()).get("/actuator/prometheus");
            assertThat(metrics.statusCode()).as(service.name()).isEqualTo(200);
            assertThat(metrics.body()).as(service.name()).contains("jvm_memory_used_bytes");
            assertThat(new Http(service.baseUrl())
                            .get("/actuator/health/liveness")
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void aMessageForACustomerWithNoContactsIsSuppressedWithTheReasons() {
        HttpResponse<String> put = business.put("/v1/customers/c-no-mail", "{\"timeZone\":\"Europe/Paris\"}");
        assertThat(put.statusCode()).isIn(200, 201);

        String id = send("c-no-mail", "Hello");

        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(id).equals("suppressed"));
        JsonNode last = message(id).get("timeline").get(1);
        assertThat(last.get("event").asString()).isEqualTo("suppressed");
        assertThat(last.get("reason").asString())
                .contains("email: no email address on file")
                .contains("sms: no phone number on file");
    }

    @Test
    @Order(3)
    void badInputIsAProblemNamingTheFieldAndNothingIsAccepted() {
        assertProblem(business.post("/v1/messages", "{ \"customerId\": "), 400, "body");
        assertProblem(
                business.post(
                        "/v1/messages",
                        "{\"category\":\"appointments\",\"content\":{\"email\":{\"subject\":\"s\",\"text\":\"t\"}}}"),
                400,
                "customerId");
        assertProblem(
                business.post("/v1/messages", "{\"customerId\":\"c-42\",\"category\":\"appointments\"}"),
                400,
                "content");
        assertProblem(
                business.post(
                        "/v1/messages",
                        "{\"customerId\":\"c-42\",\"category\":\"appointments\",\"colour\":\"red\","
                                + "\"content\":{\"email\":{\"subject\":\"s\",\"text\":\"t\"}}}"),
                400,
                "colour");
        HttpResponse<String> huge = business.post(
                "/v1/messages", "{\"customerId\":\"c-42\",\"category\":\"" + "a".repeat(300 * 1024) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(huge.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(business.get("/v1/messages?customerId=c-42").body())
                        .size())
                .as("only the one good message of the first test exists")
                .isEqualTo(1);
    }

    private void assertProblem(HttpResponse<String> response, int status, String field) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("errors").findValuesAsString("field")).contains(field);
    }

    @Test
    @Order(4)
    void killingEmailServiceMidSendLosesNothingAndSendsNothingTwice() throws Exception {
        customer("c-crash", "crash@example.org");
        int before = system.smtp.received().size();
        SmtpServer.Hold hold = system.smtp.holdDeliveries();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(send("c-crash", "Crash test " + i));
        }
        assertThat(hold.awaitHeld(Duration.ofSeconds(30)))
                .as("email-service is in the middle of an SMTP transaction")
                .isTrue();

        system.email.kill();
        hold.refuseHeldAndResume();
        assertThat(ids.stream().map(this::statusOf))
                .as("nothing was sent while held")
                .doesNotContain("sent");
        system.email.start();
        system.email.awaitReady(Duration.ofSeconds(120));

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> ids.stream().allMatch(id -> statusOf(id).equals("sent")));
        Map<String, Integer> received = receivedByMessageId(system.smtp);
        Map<String, Integer> copies = new java.util.TreeMap<>();
        ids.forEach(id -> copies.put(id, received.getOrDefault("<" + id + "@relay>", 0)));
        assertThat(copies.values())
                .as("copies received per message: %s", copies)
                .containsOnly(1);
        assertThat(system.smtp.received()).hasSize(before + ids.size());
    }

    private static String messageIdOf(MimeMessage m) {
        try {
            return m.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
