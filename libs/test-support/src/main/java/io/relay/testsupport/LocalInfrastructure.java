package io.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** The machine's own PostgreSQL, Redis and RabbitMQ, overridable by the same variables as the services. */
public final class LocalInfrastructure {

    private LocalInfrastructure() {}

    public static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public static String rabbitHost() {
        return env("RABBITMQ_HOST", "localhost");
    }

    public static int rabbitPort() {
        return Integer.parseInt(env("RABBITMQ_PORT", "5672"));
    }

    public static String redisHost() {
        return env("REDIS_HOST", "localhost");
    }

    public static int redisPort() {
        return Integer.parseInt(env("REDIS_PORT", "6379"));
    }

    /** The test database; each test works in a schema of its own (see {@link TestNames#schema}). */
    public static String postgresUrl() {
        return env("TEST_POSTGRES_URL", "jdbc:postgresql://localhost:5432/test");
    }

    public static String postgresUser() {
        return env("POSTGRES_USER", "postgres");
    }

    public static String postgresUrlInSchema(String schema) {
        String url = postgresUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** A port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean listening(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
