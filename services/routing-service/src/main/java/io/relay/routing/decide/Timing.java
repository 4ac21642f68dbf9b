package io.relay.routing.decide;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;

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
}
