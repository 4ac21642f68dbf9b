package io.relay.messaging;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.relay.contracts.Envelope;
import java.util.Map;

/**
 * Each handled message is a CONSUMER span, child of the {@code traceparent} it carries, and current while
 * its handler runs: the handler's HTTP calls, publishes and log lines join the message's trace.
 */
public final class TracingObserver implements ConsumerObserver {

    private final ObservationRegistry observations;

    public TracingObserver(ObservationRegistry observations) {
        this.observations = observations;
    }

    @Override
    public void around(String queue, Envelope<?> envelope, Work work) throws Exception {
        if (envelope.payload() instanceof io.relay.contracts.payload.DeliveryBatch) {
            // several traces and none its own: its handler gives each event the span it would have had alone
            work.run();
            return;
        }
        Map<String, String> carrier =
                envelope.traceparent() == null ? Map.of() : Map.of(EnvelopeCodec.H_TRACEPARENT, envelope.traceparent());
        Observation.createNotStarted(
                        "amqp.process",
                        () -> {
                            ReceiverContext<Map<String, String>> context =
                                    new ReceiverContext<>(Map::get, Kind.CONSUMER);
                            context.setCarrier(carrier);
                            context.setRemoteServiceName("rabbitmq");
                            return context;
                        },
                        observations)
                .contextualName(queue + " process")
                .lowCardinalityKeyValue("messaging.system", "rabbitmq")
                .lowCardinalityKeyValue("messaging.destination.name", queue)
                .highCardinalityKeyValue("messaging.message.id", envelope.messageId())
                .observeChecked(work::run);
    }
}
