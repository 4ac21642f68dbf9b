package io.relay.preference.centre;

import io.relay.contracts.Channel;

/** Plain words for the customer's pages. */
final class Words {

    private Words() {}

    static String channel(String channel) {
        return Channel.fromWire(channel)
                .map(c -> switch (c) {
                    case EMAIL -> "email";
                    case SMS -> "text message (SMS)";
                    case PUSH -> "app notification";
                })
                .orElse(channel);
    }

    static String kind(String kind) {
        return "marketing".equals(kind)
                ? "News and offers. We only send these if you switch them on."
                : "Messages about things you asked for, such as appointments. On unless you switch them off.";
    }
}
