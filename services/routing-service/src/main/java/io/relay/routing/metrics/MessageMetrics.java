package io.relay.routing.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relay.routing.message.StatusChange;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Counts what happens to messages, from the same committed status changes the timeline and the status
 * webhooks show: {@code relay_messages_accepted_total{tenant}}, {@code
 * relay_message_status_total{tenant,channel,status}}, and {@code relay_message_end_to_end_seconds{channel}}
 * from when a message was due (its scheduled time, else its acceptance) to the provider taking it.
 */
@Component
public class MessageMetrics {

    /** Fixed histogram buckets (what the alerts and the dashboard's quantiles are computed from). */
    private static final Duration[] BUCKETS = java.util.stream.Stream.of(
                    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final MeterRegistry registry;

    public MessageMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void on(StatusChange event) {
        String status = event.change().status();
        String tenant = event.tenantId();
        if ("accepted".equals(status)) {
            Counter.builder("relay.messages.accepted")
                    .description("Messages accepted by POST /v1/messages")
                    .tag("tenant", tenant)
                    .register(registry)
                    .increment();
            return;
        }
        String channel =
                event.change().channel() == null ? "none" : event.change().channel();
        Counter.builder("relay.message.status")
                .description("Statuses messages reached")
                .tags("tenant", tenant, "channel", channel, "status", status)
                .register(registry)
                .increment();
    }

    /** A message the provider took at {@code at}: the delivery-event handler has it loaded already. */
    /** {@code due}: when the message was due (its scheduled time, else when it was accepted). */
    public void sent(Instant due, String channel, Instant at) {
        Duration took = Duration.between(due, at);
        if (!took.isNegative()) {
            Timer.builder("relay.message.end.to.end")
                    .description("From when a message was due to the provider accepting it")
                    .tag("channel", channel)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)
                    .record(took);
        }
    }

    /** Due time → handed to the channel queue, for each message the scheduler dispatched. */
    public void schedulerLag(Duration lag) {
        Timer.builder("relay.scheduler.lag")
                .description("From a scheduled message's due time to its dispatch being confirmed")
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(lag.isNegative() ? Duration.ZERO : lag);
    }
}
