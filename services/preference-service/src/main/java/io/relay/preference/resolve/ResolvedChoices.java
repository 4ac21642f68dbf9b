package io.relay.preference.resolve;

import io.relay.preference.category.Category;
import io.relay.preference.preference.DeliveryWindow;
import io.relay.preference.preference.QuietHours;
import java.util.List;
import java.util.Map;

/**
 * Everything routing needs to decide for one customer and category, in one answer: the channels the
 * customer accepts, in order, with their addresses; the ones left out and why; and the timing rules.
 */
public record ResolvedChoices(
        String customerId,
        String category,
        String kind,
        List<ChannelAddresses> channels,
        List<Exclusion> excluded,
        QuietHours quietHours,
        DeliveryWindow deliveryWindow,
        String timeZone,
        String locale,
        Category.FrequencyCap frequencyCap,
        boolean urgentAllowed,
        Map<String, String> attributes) {

    /** A usable channel and where to reach the customer on it (several push tokens are possible). */
    public record ChannelAddresses(String channel, List<String> addresses) {}

    /** A channel that is not used, with the reason in words. */
    public record Exclusion(String channel, String reason) {}
}
