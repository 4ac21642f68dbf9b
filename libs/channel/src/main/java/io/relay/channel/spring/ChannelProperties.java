package io.relay.channel.spring;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code relay.channel.*}: how a channel service works its dispatch queue. The defaults and the
 * environment variables that set them are in each service's application.yml; docs/configuration.md
 * lists them.
 *
 * @param consumers dispatches worked on at once (one AMQP channel each)
 * @param ratePerSecond calls per second the provider account allows
 * @param maxConcurrentCalls calls in flight to the provider at most
 * @param sendingLease how long an unfinished attempt keeps a twin dispatch waiting
 * @param recordTtl how long sent and attempt records are kept in Redis
 */
@Validated
@ConfigurationProperties("relay.channel")
public record ChannelProperties(
        @Min(1) int consumers,
        @Min(1) int ratePerSecond,
        @Min(1) int maxConcurrentCalls,
        @NotNull Duration sendingLease,
        @NotNull Duration recordTtl) {}
