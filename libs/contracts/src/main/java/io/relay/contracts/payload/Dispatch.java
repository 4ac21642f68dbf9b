package io.relay.contracts.payload;

import java.time.Instant;

/** What every channel's dispatch carries, whatever the channel: which message, for whom, until when. */
public interface Dispatch {

    String messageId();

    String customerId();

    /** Nothing is sent at or after this; null for never. */
    Instant expiresAt();
}
