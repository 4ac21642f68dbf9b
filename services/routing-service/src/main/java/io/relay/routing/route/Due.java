package io.relay.routing.route;

import io.relay.routing.message.Route;
import io.relay.routing.message.Status;
import io.relay.routing.message.TimelineEntry;
import java.util.List;

/**
 * What becomes of a scheduled message now that it is due, on the customer's word as it is now
 * ({@link Router#redecide}).
 */
public sealed interface Due {

    /** Send now; {@code change} is the timeline entry saying what changed since it was scheduled, or null. */
    record Send(String channel, List<String> addresses, Route route, TimelineEntry change) implements Due {}

    /** Not yet after all: the customer's times changed, so it waits until {@code route.scheduledFor()}. */
    record Hold(String channel, Route route, String reason) implements Due {}

    /** Not at all: withdrawn consent, no usable contact, the cap, expiry. */
    record End(Status status, String reason) implements Due {}
}
