package io.relay.preference.customer;

import io.relay.contracts.Channel;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A customer as stored and as {@code GET /v1/customers/{id}} shows it. */
public record Customer(
        String customerId,
        String email,
        String phone,
        List<PushToken> pushTokens,
        String timeZone,
        String locale,
        Map<String, String> attributes,
        Instant createdAt,
        Instant updatedAt) {

    /** The customer's addresses on a channel: their email, their phone, or each push token; none when missing. */
    public List<String> addresses(Channel channel) {
        return switch (channel) {
            case EMAIL -> email == null ? List.of() : List.of(email);
            case SMS -> phone == null ? List.of() : List.of(phone);
            case PUSH ->
                pushTokens == null
                        ? List.of()
                        : pushTokens.stream().map(PushToken::token).toList();
        };
    }
}
