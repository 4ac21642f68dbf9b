package io.relay.contracts.payload;

import java.time.Instant;

/**
 * preference-service erased a customer: drop their schedules, caches, addresses and message content,
 * and keep only {@code pseudonym} (the consent ledger's, stable per customer and not reversible
 * without preference-service's key) where the customer id was.
 */
public record CustomerErased(String customerId, Instant at, String pseudonym) {

    /** From a sender that names no pseudonym: the messages keep none of the customer's id either. */
    public CustomerErased(String customerId, Instant at) {
        this(customerId, at, null);
    }

    /** The pseudonym, or a plain "erased" when the sender gave none. */
    public String pseudonymOrErased() {
        return pseudonym == null || pseudonym.isBlank() ? "erased" : pseudonym;
    }
}
