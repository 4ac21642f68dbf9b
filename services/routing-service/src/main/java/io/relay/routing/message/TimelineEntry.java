package io.relay.routing.message;

import java.time.Instant;

/** One thing that happened to a message, with the reason a person can read. */
public record TimelineEntry(Instant at, String event, String channel, String reason) {

    public static TimelineEntry of(Instant at, String event) {
        return new TimelineEntry(at, event, null, null);
    }
}
