package io.relay.routing.accept;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.routing.RoutingProperties;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * How many messages this replica accepts at once ({@code ROUTING_ACCEPTS_AT_ONCE}). Past it a request
 * is turned away at once with 503 and {@code Retry-After}, before anything is stored: nothing was
 * promised, and the caller retries. Without the bound, a replica that falls behind (a cold restart
 * into full traffic, a slow database or broker) keeps taking requests it cannot finish, each one a
 * parked thread holding its body, until its heap runs out and it loses them all at once.
 */
@Component
public class AcceptLimit {

    private final Semaphore slots;
    private final int atOnce;
    private final Counter turnedAway;

    public AcceptLimit(RoutingProperties properties, MeterRegistry meters) {
        this.atOnce = properties.routing().acceptsAtOnce();
        this.slots = new Semaphore(atOnce);
        this.turnedAway = Counter.builder("relay_accepts_turned_away")
                .description("messages refused with 503 because this replica was accepting as many as it may at once")
                .register(meters);
    }

    /** A place among the messages being accepted, given back by closing it (once: try-with-resources). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * @throws Busy when this replica is already accepting as many messages as it may
     */
    public Slot enter() {
        if (!slots.tryAcquire()) {
            turnedAway.increment();
            throw new Busy(atOnce);
        }
        return slots::release;
    }

    /** This replica is accepting as many messages as it may: try again in a moment. */
    public static final class Busy extends RuntimeException {
        Busy(int atOnce) {
            // no stack trace: it is answered, never logged, and turning away must stay cheap when overloaded
            super(
                    "this routing replica is already accepting " + atOnce
                            + " messages at once; nothing was stored; try again in a second",
                    null,
                    false,
                    false);
        }
    }
}
