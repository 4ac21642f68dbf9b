package io.relay.routing;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * routing-service's own settings ({@code relay.*}; the internal token and body limit are libs/web's).
 * Values and the environment variables that set them: application.yml; docs/configuration.md lists
 * them.
 *
 * @param preferenceServiceUrl where the customer's choices are asked
 */
@Validated
@ConfigurationProperties("relay")
public record RoutingProperties(
        @NotNull String preferenceServiceUrl,
        @Valid @NotNull Routing routing,
        @Valid @NotNull Scheduler scheduler,
        @Valid @NotNull Webhooks webhooks,
        @Valid @NotNull Retention retention) {

    /**
     * @param messages how long a message and its timeline are kept after acceptance
     * @param idempotencyKeys how long an idempotency key is kept after its first use
     */
    public record Retention(
            @NotNull Duration messages, @NotNull Duration idempotencyKeys) {}

    /**
     * @param channels the channels this deployment dispatches (wire names)
     * @param consumers messages handled at once on each of the two busy queues (accepted, delivery events)
     * @param acceptsAtOnce messages accepted at once at most; more are turned away with 503 (AcceptLimit)
     * @param groupCommitMax the most acceptances and delivery events committed in one transaction (1: each alone)
     * @param groupCommitLinger how long the first of them waits for others (GroupCommit)
     */
    public record Routing(
            @NotEmpty List<String> channels,
            @Min(1) int consumers,
            @Min(1) int acceptsAtOnce,
            @Min(1) int groupCommitMax,
            @NotNull Duration groupCommitLinger) {}

    /**
     * @param pollInterval how often due messages are looked for
     * @param batchSize the most due messages claimed at once
     * @param workers batches claimed, decided and published at once (each its own transaction)
     * @param redriveAfter how long an accepted message may wait unrouted before it is published again
     * @param deliveryMaxAge how long the channel services try a dispatch (DELIVERY_MAX_AGE)
     * @param reconcileGrace how much longer a dispatched message may wait for its channel's answer
     *     before it is reported failed
     */
    public record Scheduler(
            @NotNull Duration pollInterval,
            @Min(1) int batchSize,
            @Min(1) int workers,
            @NotNull Duration redriveAfter,
            @NotNull Duration deliveryMaxAge,
            @NotNull Duration reconcileGrace) {}

    /**
     * @param allowedHosts host:port receivers that may take webhooks over http or at an internal address
     * @param timeout one webhook call's timeout
     * @param pollInterval how often due webhook deliveries are looked for
     * @param retryFor how long a webhook delivery is retried
     * @param perTenant webhook calls in flight per tenant at most
     */
    public record Webhooks(
            String allowedHosts,
            @NotNull Duration timeout,
            @NotNull Duration pollInterval,
            @NotNull Duration retryFor,
            @Min(1) int perTenant) {}
}
