package io.relay.messaging;

import io.relay.contracts.Envelope;

/**
 * Does the work for one message. Returning normally acknowledges it. Throwing {@link
 * PermanentFailure} parks it at once; any other exception sends it through the retry queue until the
 * queue's attempts are used up, then parks it. A handler must be idempotent: the same message can
 * arrive again after a crash.
 */
@FunctionalInterface
public interface EnvelopeHandler {

    void handle(Envelope<Object> envelope) throws Exception;

    /** Retrying cannot help; park the message with this reason. */
    final class PermanentFailure extends RuntimeException {
        public PermanentFailure(String reason) {
            super(reason);
        }

        public PermanentFailure(String reason, Throwable cause) {
            super(reason, cause);
        }
    }
}
