package io.relay.channel.sms;

import io.relay.contracts.payload.ContactEvent;
import java.util.Locale;
import java.util.Set;

/** The keywords a customer texts back (CTIA's list): whatever the provider, they mean the same. */
public final class SmsKeywords {

    static final Set<String> STOP = Set.of("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT");
    static final Set<String> START = Set.of("START", "YES", "UNSTOP");
    static final Set<String> HELP = Set.of("HELP", "INFO");

    private SmsKeywords() {}

    /** The keyword in an inbound text: trimmed, upper case. */
    public static String keyword(String body) {
        return body == null ? "" : body.strip().toUpperCase(Locale.ROOT);
    }

    /** The contact event a keyword asks for: an opt-out, an opt-in, or null. */
    public static ContactEvent.Kind effect(String keyword) {
        return STOP.contains(keyword)
                ? ContactEvent.Kind.SMS_OPT_OUT
                : START.contains(keyword) ? ContactEvent.Kind.SMS_OPT_IN : null;
    }

    public static boolean help(String keyword) {
        return HELP.contains(keyword);
    }
}
