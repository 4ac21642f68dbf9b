package io.relay.routing.decide;

import io.relay.routing.customer.ResolvedChoices;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The customer's timing rules, in their own zone: quiet hours (may wrap midnight) and a delivery
 * window (days, and hours within a day). Either may be absent.
 */
public record Timing(ZoneId zone, Quiet quiet, Window window) {

    public record Quiet(LocalTime start, LocalTime end) {

        /** Inside [start, end), wrapping midnight when start is after end (22:00-07:30). */
        boolean contains(LocalTime t) {
            return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
        }

        @Override
        public String toString() {
            return start + "-" + end;
        }
    }

    public record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

        boolean contains(DayOfWeek day, LocalTime t) {
            return days.contains(day) && !t.isBefore(start) && t.isBefore(end);
        }

        @Override
        public String toString() {
            return days.stream()
                            .sorted()
                            .map(d -> d.name().substring(0, 3))
                            .reduce((a, b) -> a + "," + b)
                            .orElse("")
                    + " " + start + "-" + end;
        }
    }

    /** The customer's times, read in their zone, else their tenant's default zone, else UTC. */
    public static Timing of(ResolvedChoices choices, String tenantTimeZone) {
        ZoneId zone = choices.timeZone() != null
                ? ZoneId.of(choices.timeZone())
                : tenantTimeZone != null ? ZoneId.of(tenantTimeZone) : ZoneOffset.UTC;
        Timing.Quiet quiet = choices.quietHours() == null
                ? null
                : new Timing.Quiet(
                        LocalTime.parse(choices.quietHours().start()),
                        LocalTime.parse(choices.quietHours().end()));
        Timing.Window window = null;
        if (choices.deliveryWindow() != null) {
            Set<DayOfWeek> days = choices.deliveryWindow().days().stream()
                    .map(Timing::day)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(DayOfWeek.class)));
            window = new Timing.Window(
                    days,
                    LocalTime.parse(choices.deliveryWindow().start()),
                    LocalTime.parse(choices.deliveryWindow().end()));
        }
        return new Timing(zone, quiet, window);
    }

    private static DayOfWeek day(String threeLetters) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(threeLetters)) {
                return day;
            }
        }
        throw new IllegalArgumentException("not a day: " + threeLetters);
    }
}
