package io.relay.channel.spring;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code relay.channel.*} (and, for SMS, {@code relay.gateway-admin-url}): how a channel service
 * works its dispatch queue. Values and the environment variables that set them: each channel
 * service's application.yml; docs/configuration.md lists them.
 *
 * @param channel the worker's settings
 * @param gatewayAdminUrl the gateway's operator listener, asked which tenants an inbound SMS concerns;
 *     null where no SMS comes in
 */
@Validated
@ConfigurationProperties("relay")
public record ChannelProperties(@Valid @NotNull Worker channel, String gatewayAdminUrl) {

    /**
     * @param consumers dispatches worked on at once (one AMQP channel each)
     * @param ratePerSecond calls per second the provider account allows
     * @param maxConcurrentCalls calls in flight to the provider at most
     * @param sendingLease how long an unfinished attempt keeps a twin dispatch waiting
     * @param recordTtl how long sent and attempt records are kept in Redis
     * @param maxAge how long after its dispatch a message is still tried before it fails
     * @param parkedReplayInterval how often dispatches whose retries ran out go back to their queue
     * @param eventsLinger how long a delivery event waits for others to go to routing with it (zero:
     *     only those already waiting); its dispatch's worker waits as long
     * @param eventsBatchMax delivery events in one message at most
     */
    public record Worker(
            @Min(1) int consumers,
            @Min(1) int ratePerSecond,
            @Min(1) int maxConcurrentCalls,
            @NotNull Duration sendingLease,
            @NotNull Duration recordTtl,
            @NotNull Duration maxAge,
            @NotNull Duration parkedReplayInterval,
            @NotNull Duration eventsLinger,
            @Min(1) int eventsBatchMax) {}
}
