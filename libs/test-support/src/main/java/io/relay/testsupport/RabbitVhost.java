package io.relay.testsupport;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A RabbitMQ virtual host of the test's own on the machine's broker, so a test's queues never meet
 * those of a running local system or of another test. Made and removed with {@code rabbitmqctl}.
 */
public final class RabbitVhost implements AutoCloseable {

    private final String name;

    private RabbitVhost(String name) {
        this.name = name;
    }

    public static RabbitVhost create() {
        RabbitVhost vhost = new RabbitVhost(TestNames.unique("test"));
        rabbitmqctl("add_vhost", vhost.name);
        rabbitmqctl("set_permissions", "-p", vhost.name, "guest", ".*", ".*", ".*");
        return vhost;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        rabbitmqctl("delete_vhost", name);
    }

    private static void rabbitmqctl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(args));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("rabbitmqctl is needed to isolate tests on the local broker", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
