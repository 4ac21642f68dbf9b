package io.relay.preference.category;

import io.relay.contracts.Channel;
import io.relay.web.FieldViolation;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a category before it is stored. */
public final class CategoryValidator {

    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private CategoryValidator() {}

    public static List<FieldViolation> violations(String name, CategoryRequest request) {
        List<FieldViolation> v = new ArrayList<>();
        if (!NAME.matcher(name).matches()) {
            v.add(new FieldViolation("category", "must be 1-64 lower-case letters, digits or ._- (e.g. appointments)"));
        }
        if (request.description() != null && request.description().length() > 200) {
            v.add(new FieldViolation("description", "must be at most 200 characters"));
        }
        if (!Category.TRANSACTIONAL.equals(request.kind()) && !Category.MARKETING.equals(request.kind())) {
            v.add(new FieldViolation("kind", "must be transactional or marketing"));
        }
        if (request.defaultChannels() == null || request.defaultChannels().isEmpty()) {
            v.add(new FieldViolation("defaultChannels", "must list at least one channel, first choice first"));
        } else {
            channelViolations("defaultChannels", request.defaultChannels(), v);
        }
        if (request.frequencyCap() != null) {
            if (request.frequencyCap().max() < 1) {
                v.add(new FieldViolation("frequencyCap.max", "must be at least 1"));
            }
            if (!isPositiveDuration(request.frequencyCap().per())) {
                v.add(new FieldViolation("frequencyCap.per", "must be an ISO-8601 duration such as P1D or PT12H"));
            }
        }
        return v;
    }

    /** Each entry a known channel, none twice. */
    public static void channelViolations(String field, List<String> channels, List<FieldViolation> v) {
        var seen = new HashSet<String>();
        for (int i = 0; i < channels.size(); i++) {
            String channel = channels.get(i);
            if (!Channel.fromWire(channel).isPresent()) {
                v.add(new FieldViolation(field + "[" + i + "]", "must be email, sms or push"));
            } else if (!seen.add(channel)) {
                v.add(new FieldViolation(field + "[" + i + "]", "names " + channel + " twice"));
            }
        }
    }

    private static boolean isPositiveDuration(String per) {
        if (per == null) {
            return false;
        }
        try {
            Duration duration = Duration.parse(per);
            return !duration.isNegative() && !duration.isZero();
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
