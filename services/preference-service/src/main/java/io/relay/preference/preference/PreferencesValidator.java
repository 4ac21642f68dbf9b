package io.relay.preference.preference;

import io.relay.preference.category.CategoryValidator;
import io.relay.web.FieldViolation;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a preferences change against the tenant's categories before anything is written. */
public final class PreferencesValidator {

    private static final Set<String> DAYS = Set.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");
    private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9 ._:-]{1,64}");

    private PreferencesValidator() {}

    public static List<FieldViolation> violations(
            PreferencesRequest request, Set<String> knownCategories, boolean sourceRequired) {
        List<FieldViolation> v = new ArrayList<>();
        request.categories().forEach((category, choice) -> {
            String field = "categories." + category;
            if (!knownCategories.contains(category)) {
                v.add(new FieldViolation(field, "is not a category of this tenant"));
            } else if (choice == null || choice.channels() == null) {
                v.add(new FieldViolation(field + ".channels", "is required ([] for none)"));
            } else {
                CategoryValidator.channelViolations(field + ".channels", choice.channels(), v);
            }
        });
        QuietHours quiet = request.quietHours();
        if (quiet != null) {
            boolean startOk = isTime(quiet.start());
            boolean endOk = isTime(quiet.end());
            if (!startOk) {
                v.add(new FieldViolation("quietHours.start", "must be a local time HH:mm"));
            }
            if (!endOk) {
                v.add(new FieldViolation("quietHours.end", "must be a local time HH:mm"));
            }
            if (startOk && endOk && quiet.start().equals(quiet.end())) {
                v.add(new FieldViolation("quietHours", "start and end must differ"));
            }
        }
        DeliveryWindow window = request.deliveryWindow();
        if (window != null) {
            if (window.days() == null || window.days().isEmpty()) {
                v.add(new FieldViolation("deliveryWindow.days", "must name at least one day, e.g. MON"));
            } else {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < window.days().size(); i++) {
                    String day = window.days().get(i);
                    if (!DAYS.contains(day) || !seen.add(day)) {
                        v.add(new FieldViolation("deliveryWindow.days[" + i + "]", "must be one of MON..SUN, once"));
                    }
                }
            }
            boolean startOk = isTime(window.start());
            boolean endOk = isTime(window.end());
            if (!startOk) {
                v.add(new FieldViolation("deliveryWindow.start", "must be a local time HH:mm"));
            }
            if (!endOk) {
                v.add(new FieldViolation("deliveryWindow.end", "must be a local time HH:mm"));
            }
            if (startOk && endOk && !LocalTime.parse(window.start()).isBefore(LocalTime.parse(window.end()))) {
                v.add(new FieldViolation("deliveryWindow", "start must be before end"));
            }
        }
        if (sourceRequired
                && (request.source() == null
                        || !SOURCE.matcher(request.source()).matches())) {
            v.add(new FieldViolation(
                    "source", "is required: where the customer gave this instruction, e.g. call-centre"));
        }
        return v;
    }

    private static boolean isTime(String value) {
        if (value == null || !HH_MM.matcher(value).matches()) {
            return false;
        }
        try {
            LocalTime.parse(value);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
