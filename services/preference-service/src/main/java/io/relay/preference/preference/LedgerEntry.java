package io.relay.preference.preference;

import java.time.Instant;

/**
 * One row of the consent ledger as {@code GET .../consents} shows it. {@code granted} is null for
 * contact changes (a dead push token removed), which are recorded with a note. {@code actor} is the
 * evidence of who acted, or null where the row predates it or a provider acted.
 */
public record LedgerEntry(
        Instant at,
        String category,
        String channel,
        Boolean granted,
        String source,
        String statedSource,
        String evidence,
        String note,
        Actor actor) {

    public LedgerEntry(
            Instant at,
            String category,
            String channel,
            Boolean granted,
            String source,
            String statedSource,
            String evidence,
            String note) {
        this(at, category, channel, granted, source, statedSource, evidence, note, null);
    }

    /**
     * Who acted: the business's API key id (never the key), or for the customer's own act the address
     * and user agent it came from (dropped at erasure) and the version of the wording they saw.
     */
    public record Actor(String apiKeyId, String ipAddress, String userAgent, String wordingVersion) {

        public static Actor apiKey(String keyId) {
            return keyId == null ? null : new Actor(keyId, null, null, null);
        }
    }
}
