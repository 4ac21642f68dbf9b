package io.relay.channel;

import io.relay.contracts.payload.ContactEvent;

/**
 * The provider refused for good: no retry will change its answer. {@code code} and {@code reason}
 * go into the message's {@code failed} event; {@code contactEffect}, when set, is what the refusal
 * says about the customer's address (an invalid number, a dead push token, an opt-out at the
 * carrier) and becomes a contact event for preference-service.
 */
public class ProviderRefused extends RuntimeException {

    private final String code;
    private final ContactEvent.Kind contactEffect;
    private final boolean accountSpecific;

    public ProviderRefused(String code, String reason, ContactEvent.Kind contactEffect) {
        this(code, reason, contactEffect, false);
    }

    private ProviderRefused(String code, String reason, ContactEvent.Kind contactEffect, boolean accountSpecific) {
        super(reason);
        this.code = code;
        this.contactEffect = contactEffect;
        this.accountSpecific = accountSpecific;
    }

    /**
     * Refused by this account for a reason of the account's own (a sender it does not own, a region it
     * may not text): another of the tenant's accounts may take it; the last one's refusal is final.
     */
    public static ProviderRefused byThisAccount(String code, String reason) {
        return new ProviderRefused(code, reason, null, true);
    }

    public boolean accountSpecific() {
        return accountSpecific;
    }

    public ProviderRefused(String code, String reason) {
        this(code, reason, null);
    }

    public String code() {
        return code;
    }

    public String reason() {
        return getMessage();
    }

    /** What the refusal says about the address, or null when it says nothing about it. */
    public ContactEvent.Kind contactEffect() {
        return contactEffect;
    }
}
