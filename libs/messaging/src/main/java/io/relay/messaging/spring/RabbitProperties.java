package io.relay.messaging.spring;

import io.relay.messaging.AmqpSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rabbitmq.*}: the broker. Values and their environment variables: each service's
 * application.yml.
 */
@ConfigurationProperties("rabbitmq")
public record RabbitProperties(String host, int port, String username, String password, String vhost) {

    public AmqpSettings settings() {
        return new AmqpSettings(host, port, username, password, vhost);
    }
}
