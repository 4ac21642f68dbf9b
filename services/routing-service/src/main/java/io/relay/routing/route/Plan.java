package io.relay.routing.route;

import io.relay.routing.message.Route;
import io.relay.routing.message.Status;
import io.relay.routing.message.TimelineEntry;
import java.util.List;

/**
 * What routing decided for an {@code accepted} message, before anything is written: the status it
 * moves to, with its channel, route and timeline entries. {@link Router} applies it to a stored row;
 * {@link FirstRoute} writes it with the row itself, so a message routed at acceptance is one insert.
 */
public sealed interface Plan {

    Status status();

    String channel();

    /** The entries after "accepted", oldest first; none for a hand-off. */
    List<TimelineEntry> entries();

    /** The route columns, or null when it ends. */
    Route route();

    /**
     * Not routed now (preference-service did not answer, or another transaction is counting the cap):
     * stored {@code accepted} and handed to {@code message.accepted}, whose consumer routes it.
     */
    record HandOff() implements Plan {
        @Override
        public Status status() {
            return Status.ACCEPTED;
        }

        @Override
        public String channel() {
            return null;
        }

        @Override
        public List<TimelineEntry> entries() {
            return List.of();
        }

        @Override
        public Route route() {
            return null;
        }
    }

    /** Not at all: consent, contacts, the cap's first look, expiry. */
    record End(Status status, TimelineEntry entry) implements Plan {
        @Override
        public String channel() {
            return null;
        }

        @Override
        public List<TimelineEntry> entries() {
            return List.of(entry);
        }

        @Override
        public Route route() {
            return null;
        }
    }

    /** Later: the scheduler sends it when it falls due. */
    record Schedule(String channel, List<TimelineEntry> entries, Route route) implements Plan {
        @Override
        public Status status() {
            return Status.SCHEDULED;
        }
    }

    /** Now, once the cap's count under its lock allows it (when the category has a cap). */
    record Dispatch(String channel, List<TimelineEntry> entries, Route route) implements Plan {
        @Override
        public Status status() {
            return Status.DISPATCHED;
        }

        boolean capped() {
            return route.capMax() != null && route.capPer() != null;
        }
    }
}
