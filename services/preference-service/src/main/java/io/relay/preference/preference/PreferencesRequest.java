package io.relay.preference.preference;

import java.util.Map;

/**
 * {@code PUT /v1/customers/{id}/preferences} (and {@code /v1/me/preferences}): categories named here
 * are set, others keep their current choice; quiet hours and delivery window are replaced (absent
 * means none). {@code source} says where the business got the instruction (e.g. call-centre).
 */
public record PreferencesRequest(
        Map<String, CategoryChoice> categories, QuietHours quietHours, DeliveryWindow deliveryWindow, String source) {

    public PreferencesRequest {
        categories = categories == null ? Map.of() : Map.copyOf(categories);
    }
}
