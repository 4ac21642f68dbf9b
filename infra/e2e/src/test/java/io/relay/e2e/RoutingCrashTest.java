package io.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.relay.testsupport.Http;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

/** routing-service killed with scheduled and in-flight messages: after a restart, each is sent once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoutingCrashTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private RunningSystem system;
    private Http business;

    @BeforeAll
    void system() {
        system = RunningSystem.shared();
        business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        business.put("/v1/categories/crash", "{\"kind\":\"transactional\",\"defaultChannels\":[\"email\"]}");
        business.put("/v1/customers/k-1", "{\"email\":\"k1@example.org\"}");
    }

    private String send(String extra) {
        HttpResponse<String> response = business.post(
                "/v1/messages",
                "{\"customerId\":\"k-1\",\"category\":\"crash\"" + extra
                        + ",\"content\":{\"email\":{\"subject\":\"Crash\",\"text\":\"Hello\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).get("id").asString();
    }

    @Test
    void killingRoutingWithScheduledAndInFlightMessagesLosesNoneAndDuplicatesNone() throws Exception {
        String later = Instant.now().plusSeconds(8).toString();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(send(",\"sendAt\":\"" + later + "\""));
        }
        for (int i = 0; i < 20; i++) {
            ids.add(send(""));
        }

        system.routing.kill(); // no shutdown hook: some routed, some mid-route, ten waiting in the schedule
        system.routing.start();
        system.routing.awaitReady(Duration.ofSeconds(120));

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ids.stream()
                        .allMatch(id -> json.readTree(
                                        business.get("/v1/messages/" + id).body())
                                .get("status")
                                .asString()
                                .equals("sent")));
        Map<String, Integer> copies = new HashMap<>();
        for (MimeMessage m : system.smtp.received()) {
            copies.merge(m.getMessageID(), 1, Integer::sum);
        }
        for (String id : ids) {
            assertThat(copies.get("<" + id + "@relay>")).as("copies of %s", id).isEqualTo(1);
        }
    }
}
