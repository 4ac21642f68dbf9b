package io.relay.contracts.payload;

import java.time.Instant;

/**
 * What a channel service saw happen to a message at its provider. {@code code} and {@code reason}
 * are set for failures (and, on {@code sent}, {@code reason} says which accounts were failed over);
 * {@code providerMessageId} when the provider gave one; {@code provider} names the provider account that
 * took or refused it ({@code twilio} for the platform's own, {@code twilio:pa_…} for a tenant's), null
 * where the event comes from no one account.
 */
public record DeliveryEvent(
        String messageId,
        String channel,
        Status status,
        String providerMessageId,
        String code,
        String reason,
        Instant at,
        String provider) {

    public DeliveryEvent(
            String messageId,
            String channel,
            Status status,
            String providerMessageId,
            String code,
            String reason,
            Instant at) {
        this(messageId, channel, status, providerMessageId, code, reason, at, null);
    }

    /** The same event, naming the provider account it concerns. */
    public DeliveryEvent from(String provider) {
        return new DeliveryEvent(messageId, channel, status, providerMessageId, code, reason, at, provider);
    }

    public enum Status {
        SENT,
        DELIVERED,
        FAILED,
        /** The channel service held it past {@code expiresAt} (e.g. retrying) and did not send it. */
        EXPIRED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
