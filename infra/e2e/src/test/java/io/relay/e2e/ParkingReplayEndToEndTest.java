package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.relay.testsupport.Http;
import io.relay.testsupport.LocalInfrastructure;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runbook's "replay the parking queue": an SMS dispatch parked (as after its attempts ran out)
 * stays unsent; the replay command from docs/runbook.md, run against the service's jar, moves it back
 * and the SMS goes out once.
 */
class ParkingReplayEndToEndTest {

    private static final String PHONE = "+31612340077";
    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aParkedDispatchIsSentOnceAfterTheRunbooksReplayCommand() throws Exception {
        RunningSystem system = RunningSystem.shared();
        Http business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        // urgent: the test must not depend on the hour of the day (the customer's quiet hours)
        business.put(
                "/v1/categories/parking-alerts",
                "{\"kind\":\"transactional\",\"defaultChannels\":[\"sms\"],\"urgentAllowed\":true}");
        business.put("/v1/customers/p-1", "{\"phone\":\"" + PHONE + "\"}");

        system.sms.stop(); // the dispatch waits in sms.dispatch, where the test parks it
        String id;
        try (Connection broker = connect(system);
                Channel channel = broker.createChannel()) {
            HttpResponse<String> accepted = business.post(
                    "/v1/messages",
                    "{\"customerId\":\"p-1\",\"category\":\"parking-alerts\",\"priority\":\"urgent\",\"content\":{\"sms\":{\"text\":\"Parked\"}}}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            id = json.readTree(accepted.body()).get("id").asString();
            await().atMost(Duration.ofSeconds(30)).until(() -> channel.messageCount("sms.dispatch") == 1);
            park(channel, "sms.dispatch");
        }
        system.sms.start();
        system.sms.awaitReady(Duration.ofSeconds(120));
        try (Connection broker = connect(system);
                Channel channel = broker.createChannel()) {
            assertThat(channel.messageCount("sms.dispatch.parking")).isEqualTo(1);
        }
        assertThat(json.readTree(business.get("/v1/messages/" + id).body())
                        .get("status")
                        .asString())
                .isEqualTo("dispatched");

        Process replay = replayCommand(system, "sms.dispatch").start();
        assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = new String(replay.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(replay.exitValue()).as(printed).isZero();
        assertThat(printed)
                .contains("moved 1 message(s) from sms.dispatch.parking back to sms.dispatch; 0 still parked");

        await().atMost(Duration.ofSeconds(30))
                .until(() -> json.readTree(business.get("/v1/messages/" + id).body())
                        .get("status")
                        .asString()
                        .equals("sent"));
        system.providers.verify(
                1,
                postRequestedFor(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                        .withFormParam("To", equalTo(PHONE)));
    }

    /** What the consumer does when a message's attempts run out. */
    private static void park(Channel channel, String queue) throws IOException {
        GetResponse dispatch = channel.basicGet(queue, false);
        Map<String, Object> headers = new HashMap<>(dispatch.getProps().getHeaders());
        headers.put("x-parked-reason", "attempts exhausted: Twilio could not be reached");
        AMQP.BasicProperties props =
                dispatch.getProps().builder().headers(headers).build();
        channel.confirmSelect();
        channel.basicPublish("relay.parking", queue, true, props, dispatch.getBody());
        try {
            channel.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        channel.basicAck(dispatch.getEnvelope().getDeliveryTag(), false);
    }

    /** Exactly the runbook's command, pointed at the test's broker vhost. */
    private static ProcessBuilder replayCommand(RunningSystem system, String queue) {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                java,
                "-Dloader.main=io.relay.messaging.ParkingReplay",
                "-cp",
                system.sms.jar().toString(),
                "org.springframework.boot.loader.launch.PropertiesLauncher",
                queue));
        builder.environment().put("RABBITMQ_HOST", LocalInfrastructure.rabbitHost());
        builder.environment().put("RABBITMQ_PORT", Integer.toString(LocalInfrastructure.rabbitPort()));
        builder.environment().put("RABBITMQ_VHOST", system.vhost.name());
        builder.redirectErrorStream(true);
        return builder;
    }

    private static Connection connect(RunningSystem system) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(LocalInfrastructure.rabbitHost());
        factory.setPort(LocalInfrastructure.rabbitPort());
        factory.setVirtualHost(system.vhost.name());
        return factory.newConnection("e2e-parking");
    }
}
