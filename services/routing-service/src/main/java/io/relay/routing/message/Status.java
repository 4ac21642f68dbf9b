package io.relay.routing.message;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A message's status (api.md). Statuses only move forward: an event that arrives late or twice can
 * never take a message back, and a terminal status is final.
 */
public enum Status {
    ACCEPTED(0, false),
    SCHEDULED(1, false),
    DISPATCHED(2, false),
    SENT(3, false),
    DELIVERED(4, true),
    FAILED(5, true),
    SUPPRESSED(5, true),
    EXPIRED(5, true),
    CANCELLED(5, true);

    private final int rank;
    private final boolean terminal;

    Status(int rank, boolean terminal) {
        this.rank = rank;
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }

    /** The statuses from which this one may be reached. */
    public List<Status> predecessors() {
        return Arrays.stream(values()).filter(s -> !s.terminal && s.rank < rank).toList();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Status fromWire(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
