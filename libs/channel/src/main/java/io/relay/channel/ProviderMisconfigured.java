package io.relay.channel;

/**
 * The provider refused <em>us</em>, not the message: our credentials are wrong, or the account is
 * suspended. Nothing about the customer or their address follows from it, so the message is neither
 * failed nor moved to another channel: it waits in the retry queue (and, once its retries are used,
 * in the parking queue, to be replayed when the account works again) while the worker raises the
 * alarm: an ERROR log line and {@code relay_provider_misconfigured_total{provider}}, which the alert
 * rules watch.
 */
public class ProviderMisconfigured extends ProviderTrouble {

    private final String code;

    public ProviderMisconfigured(String code, String message, Throwable cause) {
        super(message, cause, null, false);
        this.code = code;
    }

    /** The provider's own code for the refusal (Twilio's 20003, say). */
    public String code() {
        return code;
    }
}
