package io.relay.messaging.spring;

import io.relay.messaging.AmqpSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Bound from RABBITMQ_HOST, RABBITMQ_PORT, RABBITMQ_USERNAME, RABBITMQ_PASSWORD, RABBITMQ_VHOST. */
@ConfigurationProperties("rabbitmq")
public record RabbitProperties(
        @DefaultValue("localhost") String host,
        @DefaultValue("5672") int port,
        @DefaultValue("guest") String username,
        @DefaultValue("guest") String password,
        @DefaultValue("/") String vhost) {

    public AmqpSettings settings() {
        return new AmqpSettings(host, port, username, password, vhost);
    }
}
