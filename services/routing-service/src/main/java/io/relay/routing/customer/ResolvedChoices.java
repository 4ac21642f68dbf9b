package io.relay.routing.customer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * preference-service's answer for one customer and category: the channels the customer accepts, in
 * order, with addresses; the ones left out and why; the timing rules and the category's cap.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
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
        FrequencyCap frequencyCap,
        Boolean urgentAllowed,
        Map<String, String> attributes) {

    public ResolvedChoices {
        channels = channels == null ? List.of() : List.copyOf(channels);
        excluded = excluded == null ? List.of() : List.copyOf(excluded);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        urgentAllowed = Boolean.TRUE.equals(urgentAllowed);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChannelAddresses(String channel, List<String> addresses) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Exclusion(String channel, String reason) {}

    public record QuietHours(String start, String end) {}

    public record DeliveryWindow(List<String> days, String start, String end) {}

    public record FrequencyCap(int max, String per) {}
}
