package io.relay.contracts;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The ways a message can reach a customer. On the wire, in the database and in the API a channel is
 * its {@link #wireName()}: {@code email}, {@code sms}, {@code push}.
 */
public enum Channel {
    EMAIL,
    SMS,
    PUSH;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** Every wire name, in declaration order. */
    public static final List<String> WIRE_NAMES =
            Arrays.stream(values()).map(Channel::wireName).toList();

    public String wireName() {
        return wireName;
    }

    /** The channel with this wire name (exactly: {@code "SMS"} is not one). */
    public static Optional<Channel> fromWire(String wireName) {
        for (Channel channel : values()) {
            if (channel.wireName.equals(wireName)) {
                return Optional.of(channel);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #fromWire} for a value that must be one; anything else is a programming error. */
    public static Channel of(String wireName) {
        return fromWire(wireName).orElseThrow(() -> new IllegalArgumentException("not a channel: " + wireName));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
