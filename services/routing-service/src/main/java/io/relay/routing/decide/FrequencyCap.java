package io.relay.routing.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A category's frequency cap as a rule: at most {@code max} messages per {@code per} (an ISO-8601
 * duration) to one customer. Plain Java: the caller counts what was sent since {@link #windowStart}.
 */
public final class FrequencyCap {

    private FrequencyCap() {}

    /** Where the cap's window begins, as of {@code now}. */
    public static Instant windowStart(String per, Instant now) {
        return now.minus(Duration.parse(per));
    }

    /** Why one more message would break the cap, given {@code sent} in its window; empty when it may go. */
    public static Optional<String> reached(int max, String per, int sent, String category) {
        return sent >= max
                ? Optional.of("frequency cap reached: " + sent + " of at most " + max + " per " + per
                        + " already sent for " + category)
                : Optional.empty();
    }
}
