package io.relay.preference.preference;

import io.relay.preference.customer.Customer;
import io.relay.preference.customer.PushToken;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/customers/{id}}: the profile with the customer's current preferences. */
public record CustomerView(
        String customerId,
        String email,
        String phone,
        List<PushToken> pushTokens,
        String timeZone,
        String locale,
        Map<String, String> attributes,
        Instant createdAt,
        Instant updatedAt,
        PreferencesView preferences) {

    public static CustomerView of(Customer c, PreferencesView preferences) {
        return new CustomerView(
                c.customerId(),
                c.email(),
                c.phone(),
                c.pushTokens(),
                c.timeZone(),
                c.locale(),
                c.attributes(),
                c.createdAt(),
                c.updatedAt(),
                preferences);
    }
}
