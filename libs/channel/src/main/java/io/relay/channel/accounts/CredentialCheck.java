package io.relay.channel.accounts;

import java.util.Optional;

/**
 * How a channel service checks a tenant's account before the gateway saves it: one harmless call to the
 * provider that needs the credentials to be right (Twilio: the account itself; SMTP: a login; FCM: an access
 * token). {@link CredentialCheckController} opens the sealed credentials and answers the gateway.
 */
public interface CredentialCheck {

    /** The kind of account this service checks ({@code twilio}, {@code smtp}, {@code fcm}). */
    String type();

    /**
     * What is wrong with the account, or empty when its credentials work.
     *
     * @throws Unavailable when the provider cannot say now (the gateway answers 503 and saves nothing)
     */
    Optional<Refusal> refusal(TenantAccounts.Opened account);

    /** The field at fault and why, in words a business can act on (never a secret's value). */
    record Refusal(String field, String detail) {}

    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
