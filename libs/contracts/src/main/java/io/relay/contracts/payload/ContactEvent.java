package io.relay.contracts.payload;

import java.time.Instant;

/**
 * A channel service learned something about a contact point: a push token is dead, or a phone number
 * sent an SMS keyword, an email address bounced or complained. {@code address} is the token, the E.164
 * number or the email address; {@code keyword} the word the customer sent; {@code detail} the
 * provider's reason.
 */
public record ContactEvent(Kind kind, String address, String keyword, String detail, Instant at, String customerId) {

    /** About an address, whoever holds it. */
    public ContactEvent(Kind kind, String address, String keyword, String detail, Instant at) {
        this(kind, address, keyword, detail, at, null);
    }

    public enum Kind {
        PUSH_TOKEN_INVALID,
        SMS_OPT_OUT,
        SMS_OPT_IN,
        /** The provider says the number cannot take SMS (invalid, not a mobile, unreachable for good). */
        PHONE_INVALID,
        /** The address refused mail for good: an SMTP 5xx for the recipient, or a hard bounce (RFC 3464). */
        EMAIL_BOUNCED,
        /**
         * The customer marked a message as spam at their mailbox provider (RFC 5965 complaint report):
         * {@code customerId} is the customer the message was for, when known.
         */
        EMAIL_COMPLAINED
    }
}
