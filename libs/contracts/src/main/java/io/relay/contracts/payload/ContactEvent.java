package io.relay.contracts.payload;

import java.time.Instant;

/**
 * A channel service learned something about a contact point: a push token is dead, or a phone number
 * sent an SMS keyword. {@code address} is the token or the E.164 number; {@code keyword} the word the
 * customer sent; {@code detail} the provider's reason.
 */
public record ContactEvent(Kind kind, String address, String keyword, String detail, Instant at) {

    public enum Kind {
        PUSH_TOKEN_INVALID,
        SMS_OPT_OUT,
        SMS_OPT_IN,
        /** The provider says the number cannot take SMS (invalid, not a mobile, unreachable for good). */
        PHONE_INVALID
    }
}
