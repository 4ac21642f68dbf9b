package io.relay.preference.customer;

import java.util.List;
import java.util.Map;

/** The body of {@code PUT /v1/customers/{id}}: the whole profile, replacing what was there. */
public record CustomerProfile(
        String email,
        String phone,
        List<PushToken> pushTokens,
        String timeZone,
        String locale,
        Map<String, String> attributes) {

    public CustomerProfile {
        pushTokens = pushTokens == null ? List.of() : List.copyOf(pushTokens);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
