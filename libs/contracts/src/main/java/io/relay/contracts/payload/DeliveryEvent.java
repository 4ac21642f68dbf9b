package io.relay.contracts.payload;

import java.time.Instant;

/**
 * What a channel service saw happen to a message at its provider. {@code code} and {@code reason}
 * are set for failures; {@code providerMessageId} when the provider gave one.
 */
public record DeliveryEvent(
        String messageId,
        String channel,
        Status status,
        String providerMessageId,
        String code,
        String reason,
        Instant at) {

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
