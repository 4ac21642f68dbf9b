package io.relay.routing.customer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * preference-service's answer for one customer and category: the channels the customer accepts, in
 * order, with addresses; the ones left out and why; the timing rules. Fields routing does not use yet
 * are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResolvedChoices(
        String customerId,
        String category,
        String kind,
        List<ChannelAddresses> channels,
        List<Exclusion> excluded,
        String timeZone,
        String locale) {

    public ResolvedChoices {
        channels = channels == null ? List.of() : List.copyOf(channels);
        excluded = excluded == null ? List.of() : List.copyOf(excluded);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChannelAddresses(String channel, List<String> addresses) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Exclusion(String channel, String reason) {}
}
