package io.relay.gateway.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.relay.testsupport.Http;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the gateway costs: the same trivial backend called directly and through the gateway with a
 * tenant's API key (looked up in Redis) and its rate limit counted in Redis. Prints both and the ratio;
 * asserts nothing about time.
 *
 * <p>Run: {@code ./mvnw -Pbench -pl gateway -am test}
 */
@Tag("bench")
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"relay.gateway.admin-token=bench-operator", "relay.gateway.rate-limit-per-second=1000000"})
class GatewayBenchmark {

    private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 10));
    private static final int CONCURRENCY = 16;
    private static final WireMockServer BACKEND =
            new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(100));

    static {
        BACKEND.start();
        BACKEND.stubFor(get(urlPathMatching("/v1/customers/.*"))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry registry) {
        registry.add("PREFERENCE_SERVICE_URL", BACKEND::baseUrl);
        registry.add("ROUTING_SERVICE_URL", BACKEND::baseUrl);
    }

    @AfterAll
    static void stop() {
        BACKEND.stop();
    }

    @LocalServerPort
    int port;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private record Result(long calls, double perSecond, double p50, double p99) {}

    private Result measure(String url, String apiKey) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        long[][] samples = new long[CONCURRENCY][];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<Future<long[]>>();
            for (int w = 0; w < CONCURRENCY; w++) {
                futures.add(pool.submit(() -> {
                    long[] local = new long[1 << 20];
                    int n = 0;
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
                    if (apiKey != null) {
                        request.header("Authorization", "Bearer " + apiKey);
                    }
                    HttpRequest built = request.build();
                    while (System.nanoTime() < deadline && n < local.length) {
                        long start = System.nanoTime();
                        client.send(built, HttpResponse.BodyHandlers.discarding());
                        local[n++] = System.nanoTime() - start;
                    }
                    return Arrays.copyOf(local, n);
                }));
            }
            for (int w = 0; w < CONCURRENCY; w++) {
                samples[w] = futures.get(w).get();
            }
        }
        long[] all =
                Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(all.length, all.length / (double) RUN.toSeconds(), pct(all, 0.5), pct(all, 0.99));
    }

    private static double pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    @Test
    void gatewayCost() throws Exception {
        Http operator = new Http("http://localhost:" + port).header("Authorization", "Bearer bench-operator");
        String apiKey = JsonMapper.builder()
                .build()
                .readTree(
                        operator.post("/admin/tenants", "{\"name\":\"Bench\"}").body())
                .get("apiKey")
                .asString();
        measure(BACKEND.baseUrl() + "/v1/customers/c-1", null); // warm both paths
        measure("http://localhost:" + port + "/v1/customers/c-1", apiKey);

        Result direct = measure(BACKEND.baseUrl() + "/v1/customers/c-1", null);
        Result gateway = measure("http://localhost:" + port + "/v1/customers/c-1", apiKey);

        String report = String.format(
                "gateway cost, %d concurrent clients, %d cores, trivial backend (WireMock), API key and rate limit in Redis%n"
                        + "direct : %6.0f req/s  p50 %.2f ms  p99 %.2f ms%n"
                        + "gateway: %6.0f req/s  p50 %.2f ms  p99 %.2f ms%n"
                        + "ratio  : %.2f of direct throughput; +%.2f ms at p50, +%.2f ms at p99%n",
                CONCURRENCY,
                Runtime.getRuntime().availableProcessors(),
                direct.perSecond(),
                direct.p50(),
                direct.p99(),
                gateway.perSecond(),
                gateway.p50(),
                gateway.p99(),
                gateway.perSecond() / direct.perSecond(),
                gateway.p50() - direct.p50(),
                gateway.p99() - direct.p99());
        System.out.println(report);
        Path out = Path.of("target", "bench", "gateway.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }
}
