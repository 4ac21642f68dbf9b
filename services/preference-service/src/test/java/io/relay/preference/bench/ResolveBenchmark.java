package io.relay.preference.bench;

import io.relay.preference.PreferenceServiceTestBase;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How fast routing's one call is from a warm cache under load: the real service over loopback HTTP,
 * the real Redis and PostgreSQL. Prints figures; asserts nothing about time (this machine is shared).
 *
 * <p>Run: {@code ./mvnw -Pbench -pl services/preference-service -am test}
 */
@Tag("bench")
class ResolveBenchmark extends PreferenceServiceTestBase {

    private static final int CUSTOMERS = 1_000;
    private static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 10));

    @Test
    void resolvedChoicesFromAWarmCacheUnderLoad() throws Exception {
        category("appointments", "transactional", "sms", "push", "email");
        for (int i = 0; i < CUSTOMERS; i++) {
            customer(
                    "c-" + i,
                    "{\"email\":\"c" + i
                            + "@example.org\",\"phone\":\"+31612345678\",\"timeZone\":\"Europe/Amsterdam\"}");
        }
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < CUSTOMERS; i++) {
            call(client, i); // warm: every entry is now in Redis
        }
        StringBuilder report = new StringBuilder("resolved choices, warm cache, " + CUSTOMERS + " customers, "
                + Runtime.getRuntime().availableProcessors() + " cores, client and service in one JVM\n");
        for (int concurrency : new int[] {1, 4, 16}) {
            report.append(measure(client, concurrency)).append('\n');
        }
        System.out.println(report);
        Path out = Path.of("target", "bench", "resolve.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
    }

    private String measure(HttpClient client, int concurrency) throws Exception {
        long[][] samples = new long[concurrency][];
        AtomicInteger failures = new AtomicInteger();
        long deadline = System.nanoTime() + RUN.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<long[]>>();
            for (int w = 0; w < concurrency; w++) {
                futures.add(pool.submit(() -> {
                    long[] local = new long[1 << 20];
                    int n = 0;
                    while (System.nanoTime() < deadline && n < local.length) {
                        long start = System.nanoTime();
                        if (call(client, ThreadLocalRandom.current().nextInt(CUSTOMERS)) != 200) {
                            failures.incrementAndGet();
                        }
                        local[n++] = System.nanoTime() - start;
                    }
                    return Arrays.copyOf(local, n);
                }));
            }
            for (int w = 0; w < concurrency; w++) {
                samples[w] = futures.get(w).get();
            }
        }
        long[] all =
                Arrays.stream(samples).flatMapToLong(Arrays::stream).sorted().toArray();
        return String.format(
                "concurrency %2d: %7d calls in %ds = %6.0f/s  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms  failures %d",
                concurrency,
                all.length,
                RUN.toSeconds(),
                all.length / (double) RUN.toSeconds(),
                ms(all, 0.50),
                ms(all, 0.90),
                ms(all, 0.99),
                ms(all, 0.999),
                all[all.length - 1] / 1e6,
                failures.get());
    }

    private int call(HttpClient client, int customer) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(
                        baseUrl() + "/internal/v1/customers/c-" + customer + "/resolved?category=appointments"))
                .header("X-Tenant-Id", tenant)
                .header("X-Internal-Token", io.relay.testsupport.Http.LOCAL_INTERNAL_TOKEN)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }
}
