package io.relay.messaging;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Where the broker is. The password is never part of {@link #toString()}. */
public record AmqpSettings(String host, int port, String username, String password, String virtualHost) {

    public static AmqpSettings local() {
        return new AmqpSettings("localhost", 5672, "guest", "guest", "/");
    }

    public AmqpSettings withVirtualHost(String vhost) {
        return new AmqpSettings(host, port, username, password, vhost);
    }

    /** Opens a connection that recovers by itself (consumers included) after a broker restart. */
    public Connection connect(String connectionName) throws IOException, TimeoutException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(2_000);
        factory.setRequestedHeartbeat(15);
        // deliveries are handed to the consumers' own handler pools from here; a consumer whose handlers
        // are all busy holds its thread, never another queue's (a pool that grows, not a fixed one)
        factory.setSharedExecutor(java.util.concurrent.Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("amqp-consumer-", 0).factory()));
        return factory.newConnection(connectionName);
    }

    @Override
    public String toString() {
        return "amqp://" + username + "@" + host + ":" + port + virtualHost;
    }
}
