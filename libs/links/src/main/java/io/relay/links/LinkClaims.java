package io.relay.links;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * What a signed link says: which tenant and customer, for what ({@code preferences} or
 * {@code unsubscribe} from one category on one channel), until when, and its own id (the evidence in
 * the ledger).
 */
public record LinkClaims(
        @JsonProperty("k") String keyId,
        @JsonProperty("t") String tenantId,
        @JsonProperty("c") String customerId,
        @JsonProperty("p") String purpose,
        @JsonProperty("cat") String category,
        @JsonProperty("ch") String channel,
        @JsonProperty("exp") long expiresAtEpochSecond,
        @JsonProperty("id") String linkId) {

    public static final String PREFERENCES = "preferences";
    public static final String UNSUBSCRIBE = "unsubscribe";

    public Instant expiresAt() {
        return Instant.ofEpochSecond(expiresAtEpochSecond);
    }
}
