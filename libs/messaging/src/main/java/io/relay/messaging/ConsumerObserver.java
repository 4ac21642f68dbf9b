package io.relay.messaging;

import io.relay.contracts.Envelope;

/**
 * What a consumer tells the outside about its work: each message's outcome (metrics) and the span in
 * which its handler runs (tracing). The default observes nothing, so the library works without either.
 */
public interface ConsumerObserver {

    ConsumerObserver NONE = new ConsumerObserver() {};

    enum Outcome {
        /** handled and acknowledged */
        ACKED,
        /** failed for now, moved to the retry queue */
        RETRIED,
        /** moved to the parking queue: unreadable, permanent failure or attempts exhausted */
        PARKED
    }

    /** The handling of one message; runs {@code work} exactly once, on the calling thread. */
    interface Work {
        void run() throws Exception;
    }

    default void around(String queue, Envelope<?> envelope, Work work) throws Exception {
        work.run();
    }

    default void outcome(String queue, Outcome outcome) {}

    /** Several observers as one: the first one's span wraps the others'. */
    static ConsumerObserver all(java.util.List<ConsumerObserver> observers) {
        if (observers.isEmpty()) {
            return NONE;
        }
        if (observers.size() == 1) {
            return observers.getFirst();
        }
        ConsumerObserver first = observers.getFirst();
        ConsumerObserver rest = all(observers.subList(1, observers.size()));
        return new ConsumerObserver() {
            @Override
            public void around(String queue, Envelope<?> envelope, Work work) throws Exception {
                first.around(queue, envelope, () -> rest.around(queue, envelope, work));
            }

            @Override
            public void outcome(String queue, Outcome outcome) {
                first.outcome(queue, outcome);
                rest.outcome(queue, outcome);
            }
        };
    }
}
