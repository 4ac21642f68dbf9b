package io.relay.preference.category;

import java.util.List;

/** The body of {@code PUT /v1/categories/{category}}. */
public record CategoryRequest(
        String description,
        String kind,
        List<String> defaultChannels,
        Boolean urgentAllowed,
        Category.FrequencyCap frequencyCap) {}
