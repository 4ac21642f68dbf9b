package io.relay.contracts.payload;

import java.time.Instant;

/**
 * preference-service changed a customer's choices, consent or contacts (a preference update, a
 * one-click unsubscribe, STOP, a contact the provider reported dead): routing checks that customer's
 * waiting messages again at once, rather than only when each falls due. Carries no personal data.
 */
public record CustomerChanged(String customerId, Instant at) {}
