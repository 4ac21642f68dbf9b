package io.relay.channel;

import java.time.Duration;

/**
 * Worth trying again: the provider was busy (429), broken (5xx) or out of reach. {@code retryAfter}
 * is the wait it asked for, when it asked; {@code mayHaveTaken} says the provider may have taken the
 * message before the trouble (no answer to a request it received), so the attempt record stays and
 * the next attempt asks the provider first where it can ({@link Delivery#alreadyTaken}).
 */
public class ProviderTrouble extends RuntimeException {

    private final Duration retryAfter;
    private final boolean mayHaveTaken;

    public ProviderTrouble(String message, Throwable cause, Duration retryAfter, boolean mayHaveTaken) {
        super(message, cause);
        this.retryAfter = retryAfter;
        this.mayHaveTaken = mayHaveTaken;
    }

    /** The provider answered with an error, so it did not take the message. */
    public static ProviderTrouble answered(String message, Throwable cause, Duration retryAfter) {
        return new ProviderTrouble(message, cause, retryAfter, false);
    }

    /** No answer to a request the provider may have received. */
    public static ProviderTrouble unanswered(String message, Throwable cause) {
        return new ProviderTrouble(message, cause, null, true);
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean mayHaveTaken() {
        return mayHaveTaken;
    }
}
