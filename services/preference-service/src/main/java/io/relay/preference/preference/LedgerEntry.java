package io.relay.preference.preference;

import java.time.Instant;

/**
 * One row of the consent ledger as {@code GET .../consents} shows it. {@code granted} is null for
 * contact changes (a dead push token removed), which are recorded with a note.
 */
public record LedgerEntry(
        Instant at,
        String category,
        String channel,
        Boolean granted,
        String source,
        String statedSource,
        String evidence,
        String note) {}
