package io.relay.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One packaged service running as a real process (java -jar), with its log in target/e2e-logs. */
final class ServiceProcess {

    private static final Path ROOT =
            Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private Process process;

    ServiceProcess(String name, String moduleDir, int port, Map<String, String> env) {
        this.name = name;
        this.jar = ROOT.resolve(moduleDir).resolve("target").resolve(name + ".jar");
        this.port = port;
        this.env = env;
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    jar + " is missing: package the services first (./mvnw verify builds them)");
        }
    }

    String name() {
        return name;
    }

    /** The running process (its pid, for CPU and memory figures). */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /** The packaged jar the process runs. */
    Path jar() {
        return jar;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    void start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        // the tests want a quick start; the load suite wants full JIT (-De2e.jvm="-Xmx512m")
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(System.getProperty("e2e.jvm", "-Xmx256m -XX:TieredStopAtLevel=1")
                .trim()
                .split("\\s+")));
        Path runs = aotCache(command);
        command.addAll(List.of("-jar", runs.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        // as in production: no local profile (and so no local default secrets) unless a test says so
        builder.environment().remove("SPRING_PROFILES_ACTIVE");
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        Path logs = Path.of("target", "e2e-logs");
        try {
            Files.createDirectories(logs);
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(logs.toFile(), name + ".log")));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * JDK 25's ahead-of-time cache (JEP 483/514/515), when {@code -De2e.aot-cache-dir} names a folder: adds
     * the option to {@code command} and returns the jar to run. The JVM accepts a cache only for the jar
     * file it was trained with (same path, size and modification time), and every build writes a new jar
     * file, so the cache is kept with a copy of the jar it was trained on: while the built jar has the same
     * bytes (the build is reproducible), the copy runs with the cache; otherwise the new jar is copied and
     * this run trains a new cache, written when the service stops (classes loaded and linked, and the
     * methods' profiles, of the run it saw).
     */
    private Path aotCache(List<String> command) {
        String dir = System.getProperty("e2e.aot-cache-dir");
        if (dir == null || dir.isBlank()) {
            return jar;
        }
        Path cache = Path.of(dir).toAbsolutePath().resolve(name + ".aot");
        Path trainedOn = cache.resolveSibling(name + ".jar");
        try {
            Files.createDirectories(cache.getParent());
            if (Files.exists(cache) && Files.exists(trainedOn) && Files.mismatch(jar, trainedOn) == -1) {
                command.add("-XX:AOTCache=" + cache);
            } else {
                Files.deleteIfExists(cache);
                Files.copy(jar, trainedOn, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                command.add("-XX:AOTCacheOutput=" + cache);
            }
            return trainedOn;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until readiness says UP: broker, Redis and database connections included. */
    void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + "; see target/e2e-logs/" + name + ".log");
            }
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(Duration.ofMillis(250));
        }
        throw new IllegalStateException(
                name + " not ready within " + timeout + "; see target/e2e-logs/" + name + ".log");
    }

    /** kill -9: no shutdown hook, no graceful anything. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    void stop() {
        signalStop();
        waitForExit();
    }

    /**
     * SIGTERM, without waiting: the system stops its six at once, so a slow exit (a service writing its AOT
     * cache) does not hold up the others' signal until the test JVM is killed and they are left running.
     */
    void signalStop() {
        if (process != null && process.isAlive()) {
            process.destroy();
        }
    }

    void waitForExit() {
        if (process == null) {
            return;
        }
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration); // polling a real process from outside: there is no clock to move
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
