package io.relay.messaging.spring;

import com.rabbitmq.client.Connection;
import io.micrometer.observation.ObservationRegistry;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.ConsumerObserver;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.QueueSpec;
import io.relay.messaging.TracingObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** One broker connection per service, a confirming publisher on it, and the consumers' lifecycle. */
@AutoConfiguration
@EnableConfigurationProperties({RabbitProperties.class, ConsumerProperties.class})
public class MessagingAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MessagingAutoConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Connection amqpConnection(RabbitProperties properties, @Value("${spring.application.name}") String name)
            throws IOException, TimeoutException {
        log.info("connecting to RabbitMQ at {}", properties.settings());
        return properties.settings().connect(name);
    }

    @Bean
    @ConditionalOnMissingBean
    EnvelopeCodec envelopeCodec() {
        return new EnvelopeCodec();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    ConfirmingPublisher confirmingPublisher(
            Connection connection, EnvelopeCodec codec, ObjectProvider<ObservationRegistry> observations)
            throws IOException {
        return new ConfirmingPublisher(connection, codec, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /** Tracing across the broker: a consumer span per message, child of the publisher's. */
    @Bean
    @org.springframework.core.annotation.Order(0)
    ConsumerObserver tracingObserver(ObjectProvider<ObservationRegistry> observations) {
        return new TracingObserver(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    ConsumerLifecycle consumerLifecycle(
            Connection connection,
            ObjectProvider<QueueConsumer> consumers,
            ObjectProvider<DeclaredQueues> declared,
            ObjectProvider<ConsumerObserver> observers,
            ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters,
            ConsumerProperties settings) {
        List<QueueSpec> published =
                declared.orderedStream().flatMap(d -> d.specs().stream()).toList();
        List<ConsumerObserver> all =
                new java.util.ArrayList<>(observers.orderedStream().toList());
        io.micrometer.core.instrument.MeterRegistry registry = meters.getIfAvailable();
        MessagingMetrics metrics = registry == null ? null : new MessagingMetrics(registry);
        if (metrics != null) {
            all.add(metrics);
        }
        List<QueueConsumer> consuming = consumers.orderedStream().toList();
        consuming.forEach(c -> {
            c.observedBy(ConsumerObserver.all(all));
            c.ackedWithin(settings.ackLinger());
        });
        return new ConsumerLifecycle(
                connection, published, consuming, settings.shutdownTimeout(), metrics, settings.queueDepthInterval());
    }

    /** Readiness: the broker connection is open (it recovers by itself after a broker restart). */
    @Bean("amqp")
    HealthIndicator amqpHealthIndicator(Connection connection) {
        return () -> connection.isOpen()
                ? Health.up()
                        .withDetail("broker", connection.getAddress().getHostAddress() + ":" + connection.getPort())
                        .build()
                : Health.down().withDetail("reason", "broker connection closed").build();
    }
}
