package io.relay.preference.preference;

import java.util.Map;

/** What a customer currently accepts: for every category of the tenant, the channels in order. */
public record PreferencesView(
        Map<String, CategoryChoice> categories,
        QuietHours quietHours,
        DeliveryWindow deliveryWindow,
        String timeZone) {}
