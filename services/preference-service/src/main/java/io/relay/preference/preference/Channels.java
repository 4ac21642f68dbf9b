package io.relay.preference.preference;

import java.util.List;

/** The channels the platform delivers on, in a stable order. */
public final class Channels {

    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    public static final String PUSH = "push";
    public static final List<String> ALL = List.of(EMAIL, SMS, PUSH);

    private Channels() {}

    public static boolean isChannel(String name) {
        return ALL.contains(name);
    }
}
