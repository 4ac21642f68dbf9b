package io.relay.preference.category;

import java.util.List;

/**
 * A kind of message a tenant sends. Marketing needs the customer's explicit opt-in per channel;
 * transactional is on by default and can be turned off per channel.
 */
public record Category(
        String category,
        String description,
        String kind,
        List<String> defaultChannels,
        boolean urgentAllowed,
        FrequencyCap frequencyCap) {

    public static final String TRANSACTIONAL = "transactional";
    public static final String MARKETING = "marketing";

    public boolean isMarketing() {
        return MARKETING.equals(kind);
    }

    /** At most {@code max} messages of this category to one customer per {@code per} (ISO-8601 duration). */
    public record FrequencyCap(int max, String per) {}
}
