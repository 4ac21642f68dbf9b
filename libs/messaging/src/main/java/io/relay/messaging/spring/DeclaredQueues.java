package io.relay.messaging.spring;

import io.relay.messaging.QueueSpec;
import java.util.List;

/**
 * Queues a service publishes to but does not consume, declared at start so nothing it publishes is
 * unroutable while the consumer is down. Consumed queues are declared by their consumers.
 */
public record DeclaredQueues(List<QueueSpec> specs) {

    public static DeclaredQueues of(QueueSpec... specs) {
        return new DeclaredQueues(List.of(specs));
    }
}
