package io.relay.messaging.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.consumers.*}: how a service's queue consumers start and stop. Values: each service's
 * application.yml.
 *
 * @param shutdownTimeout how long work in progress may finish at shutdown
 * @param queueDepthInterval how often queue depths are read for the metrics
 * @param ackLinger how long a handled message's ack may wait to go out with others (zero: at once)
 */
@ConfigurationProperties("relay.consumers")
public record ConsumerProperties(Duration shutdownTimeout, Duration queueDepthInterval, Duration ackLinger) {

    public ConsumerProperties {
        if (shutdownTimeout == null || queueDepthInterval == null) {
            throw new IllegalArgumentException(
                    "relay.consumers.shutdown-timeout and relay.consumers.queue-depth-interval must be set");
        }
        if (ackLinger == null) {
            ackLinger = Duration.ZERO;
        }
        if (ackLinger.isNegative() || ackLinger.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("relay.consumers.ack-linger must be between 0 and 5s");
        }
    }
}
