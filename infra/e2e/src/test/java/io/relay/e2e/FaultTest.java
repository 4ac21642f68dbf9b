package io.relay.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.relay.testsupport.Http;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Faults while messages flow: each service is killed with {@code kill -9} in turn and restarted, the
 * suite's own RabbitMQ node and Redis are restarted, and the Twilio simulator fails for a while (500s,
 * then slow answers). Then it reconciles: every
 * accepted message ends in exactly one terminal state, and no provider accepted any message twice.
 * Bounded in time, loopback only.
 *
 * <p>Run: {@code infra/faults/run.sh}, which starts that broker node and Redis on other ports
 * ({@code infra/faults/instances.sh}), so the machine's own stay untouched.
 */
@Tag("faults")
class FaultTest {

    private static final int RATE = Integer.getInteger("faults.rate", 40);
    private static final Set<String> TERMINAL = Set.of("sent", "delivered", "failed", "suppressed", "expired");

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final Map<String, String> accepted = new ConcurrentHashMap<>(); // message id → token

    @Test
    void underKillsAndProviderFailuresNothingIsLostAndNothingIsSentTwice() throws Exception {
        RunningSystem system = RunningSystem.shared();
        Http business = new Http(system.gatewayUrl()).header("Authorization", "Bearer " + RunningSystem.API_KEY);
        // settling looks every accepted message up (13,000 at 80/s): not throttled like a business
        new Http(system.operatorUrl())
                .header("Authorization", "Bearer " + RunningSystem.ADMIN_TOKEN)
                .send("PATCH", "/admin/tenants/" + RunningSystem.TENANT, "{\"rateLimit\":100000}", Map.of());
        business.put(
                "/v1/categories/faults",
                "{\"kind\":\"transactional\",\"defaultChannels\":[\"sms\",\"email\"],\"urgentAllowed\":true}");
        for (int c = 0; c < 50; c++) {
            business.put(
                    "/v1/customers/f-" + c,
                    "{\"phone\":\"+3162" + String.format("%07d", c) + "\",\"email\":\"f" + c + "@faults.example\"}");
        }

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong refused = new AtomicLong();
        Thread load = Thread.ofPlatform().start(() -> drive(system, running, refused));
        List<String> log = new ArrayList<>();
        try {
            pause(10);
            for (ServiceProcess service : List.of(system.routing, system.sms, system.email, system.preference)) {
                service.kill();
                log.add("kill -9 " + service.name());
                pause(3);
                service.start();
                service.awaitReady(Duration.ofSeconds(120));
                log.add(service.name() + " back");
                pause(8);
            }
            instances("restart-broker");
            log.add("RabbitMQ restarted");
            pause(10);
            instances("restart-redis");
            log.add("Redis restarted");
            pause(10);
            StubMapping failing =
                    system.providers.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                            .atPriority(1)
                            .willReturn(aResponse().withStatus(500).withBody("{\"code\":20500,\"message\":\"down\"}")));
            log.add("Twilio answers 500");
            pause(12);
            system.providers.removeStub(failing);
            StubMapping slow = system.providers.stubFor(post(urlPathMatching("/2010-04-01/Accounts/.+/Messages.json"))
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(201)
                            .withHeader("Content-Type", "application/json")
                            .withFixedDelay(2_000)
                            .withBodyFile("twilio/message-created.json")
                            .withTransformers("response-template")));
            log.add("Twilio answers in 2 s");
            pause(12);
            system.providers.removeStub(slow);
            log.add("Twilio well again");
            pause(5);
        } finally {
            running.set(false);
            load.join();
        }

        // settle: every accepted message reaches an end (retries, fallbacks and restarts included)
        Map<String, String> status = new ConcurrentHashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            for (String id : accepted.keySet()) {
                if (!TERMINAL.contains(status.getOrDefault(id, ""))) {
                    var answer = business.get("/v1/messages/" + id);
                    if (answer.statusCode() == 429) {
                        pause(1); // the tenant's rate limit: looking up 12,000 messages is traffic too
                    } else if (answer.statusCode() == 200) {
                        status.put(
                                id, json.readTree(answer.body()).get("status").asString());
                    } else {
                        status.put(id, "HTTP " + answer.statusCode());
                    }
                }
            }
            if (status.values().stream().allMatch(TERMINAL::contains)) {
                break;
            }
            pause(2);
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        status.values().forEach(s -> byStatus.merge(s, 1, Integer::sum));
        Map<String, Integer> emails = new ConcurrentHashMap<>();
        for (MimeMessage m : system.smtp.received()) {
            emails.merge(m.getSubject(), 1, Integer::sum);
        }
        long smsTwice = system.twilio().acceptedMoreThanOnce();
        long emailTwice = emails.values().stream().filter(n -> n > 1).count();
        String report = String.format(
                "faults: %s%n%d accepted at %d/s (%d refused while a service was down); end states %s%n"
                        + "SMS accepted twice by Twilio: %d; emails received twice: %d%n",
                String.join(" → ", log), accepted.size(), RATE, refused.get(), byStatus, smsTwice, emailTwice);
        // a message that did not end: its id (the services' logs carry it) and its timeline, to find why
        StringBuilder unended = new StringBuilder();
        status.entrySet().stream()
                .filter(e -> !TERMINAL.contains(e.getValue()))
                .limit(20)
                .forEach(e -> unended.append("not ended: ")
                        .append(e.getKey())
                        .append(' ')
                        .append(business.get("/v1/messages/" + e.getKey()).body())
                        .append(System.lineSeparator()));
        report += unended;
        System.out.print(report);
        java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "faults"));
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "faults", "faults.txt"), report);

        assertThat(status).as("every accepted message was looked up").hasSize(accepted.size());
        assertThat(status.values())
                .as("each accepted message in a terminal state")
                .allMatch(TERMINAL::contains);
        assertThat(smsTwice).as("SMS accepted twice by the provider").isZero();
        assertThat(emailTwice).as("emails delivered twice").isZero();
    }

    private void drive(RunningSystem system, AtomicBoolean running, AtomicLong refused) {
        long interval = 1_000_000_000L / RATE;
        long next = System.nanoTime();
        long n = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (running.get()) {
                long seq = n++;
                pool.submit(() -> {
                    String token = "F" + seq;
                    String body = "{\"customerId\":\"f-" + (seq % 50)
                            + "\",\"category\":\"faults\",\"priority\":\"urgent\","
                            + "\"content\":{\"sms\":{\"text\":\"" + token + "\"},\"email\":{\"subject\":\"" + token
                            + "\",\"text\":\"x\"}}}";
                    try {
                        HttpResponse<String> response = client.send(
                                HttpRequest.newBuilder(URI.create(system.gatewayUrl() + "/v1/messages"))
                                        .timeout(Duration.ofSeconds(10))
                                        .header("Authorization", "Bearer " + RunningSystem.API_KEY)
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 202) {
                            accepted.put(
                                    json.readTree(response.body()).get("id").asString(), token);
                        } else {
                            refused.incrementAndGet(); // never accepted: nothing was promised
                        }
                    } catch (Exception e) {
                        refused.incrementAndGet();
                    }
                });
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
        }
    }

    /** infra/faults/instances.sh: the suite's own broker node and Redis (run.sh started them). */
    private static void instances(String command) throws Exception {
        Process process = new ProcessBuilder("bash", "../faults/instances.sh", command)
                .inheritIO()
                .start();
        assertThat(process.waitFor()).as("instances.sh " + command).isZero();
    }

    private static void pause(int seconds) throws InterruptedException {
        Thread.sleep(Duration.ofSeconds(seconds));
    }
}
