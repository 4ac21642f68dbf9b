package io.relay.observability;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * No contact details in logs: every JSON log line's message and stack trace (where provider and SMTP
 * error texts end up) has its phone numbers and e-mail addresses masked, e.g. {@code +31*******78} and
 * {@code a***@example.org}: enough to tell two apart while debugging, not enough to reach anyone.
 * Registered for Boot's structured logging in META-INF/spring.factories.
 */
public class ContactMasking implements StructuredLoggingJsonMembersCustomizer<Object> {

    /** E.164-like numbers, written with a leading + (spaces, dots, dashes or brackets between digits). */
    private static final Pattern PHONE = Pattern.compile("\\+[1-9](?:[ .()-]{0,2}[0-9]){6,14}");

    private static final Pattern EMAIL =
            Pattern.compile("([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})");

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(JsonWriter.ValueProcessor.of(String.class, ContactMasking::mask)
                .whenHasPath(path -> path.parent() != null
                        && path.parent().parent() == null
                        && (path.name().equals("message") || path.name().equals("stack_trace"))));
    }

    /** {@code text} with every phone number and e-mail address in it masked. */
    public static String mask(String text) {
        if (text == null || (text.indexOf('+') < 0 && text.indexOf('@') < 0)) {
            return text;
        }
        Matcher email = EMAIL.matcher(text);
        String masked = email.replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "***@" + m.group(2)));
        Matcher phone = PHONE.matcher(masked);
        return phone.replaceAll(m -> Matcher.quoteReplacement(maskPhone(m.group())));
    }

    private static String maskPhone(String phone) {
        String digits = phone.replaceAll("[^0-9]", "");
        int shown = Math.min(2, digits.length() / 4);
        return "+" + digits.substring(0, shown) + "*".repeat(digits.length() - 2 * shown)
                + digits.substring(digits.length() - shown);
    }
}
