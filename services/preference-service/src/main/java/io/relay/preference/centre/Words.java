package io.relay.preference.centre;

/** Plain words for the customer's pages. */
final class Words {

    private Words() {}

    static String channel(String channel) {
        return switch (channel) {
            case "email" -> "email";
            case "sms" -> "text message (SMS)";
            case "push" -> "app notification";
            default -> channel;
        };
    }

    static String kind(String kind) {
        return "marketing".equals(kind)
                ? "News and offers. We only send these if you switch them on."
                : "Messages about things you asked for, such as appointments. On unless you switch them off.";
    }
}
