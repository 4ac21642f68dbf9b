package io.relay.routing.message;

import java.time.Instant;
import java.util.List;

/** Where a message goes (or went): set together with the status change that routes it. */
public record Route(
        List<String> addresses,
        Integer capMax,
        String capPer,
        String categoryKind,
        Instant scheduledFor,
        Instant dispatchedAt) {}
