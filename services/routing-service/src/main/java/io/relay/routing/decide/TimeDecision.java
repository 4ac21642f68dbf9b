package io.relay.routing.decide;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * When a message may go: not before {@code sendAt}, outside the customer's quiet hours (unless it is
 * urgent and the category allows that), inside their delivery window, all in the customer's own zone
 * with {@code java.time}, so DST changes and half-hour offsets come out right. If that moment is past
 * {@code expiresAt}, the message expires instead. Plain Java: no Spring, no I/O, the clock passed in.
 */
public final class TimeDecision {

    private TimeDecision() {}

    public sealed interface When {
        String reason();
    }

    /** Send at {@code at} (now or later), for the reasons given (empty when nothing held it). */
    public record At(Instant at, List<String> reasons) implements When {
        @Override
        public String reason() {
            return String.join("; ", reasons);
        }
    }

    public record Expired(String reason) implements When {}

    public static When earliest(Instant now, Instant sendAt, Instant expiresAt, boolean skipQuietHours, Timing timing) {
        List<String> reasons = new ArrayList<>();
        Instant candidate = now;
        if (sendAt != null && sendAt.isAfter(now)) {
            candidate = sendAt;
            reasons.add("not before sendAt " + sendAt);
        }
        if (timing != null && (timing.quiet() != null || timing.window() != null)) {
            // each pass moves forward to the next edge; a week of passes covers every combination
            for (int pass = 0; pass < 32; pass++) {
                ZonedDateTime local = candidate.atZone(timing.zone());
                Instant moved = null;
                if (timing.window() != null && !timing.window().contains(local.getDayOfWeek(), local.toLocalTime())) {
                    moved = nextWindowOpening(local, timing.window());
                    reasons.add("delivery window " + timing.window() + " " + timing.zone() + ": held until "
                            + describe(moved, timing));
                } else if (timing.quiet() != null && timing.quiet().contains(local.toLocalTime())) {
                    if (skipQuietHours) {
                        reasons.add("urgent: quiet hours " + timing.quiet() + " " + timing.zone()
                                + " skipped, as the category allows");
                        break;
                    }
                    moved = quietEnd(local, timing.quiet());
                    reasons.add("quiet hours " + timing.quiet() + " " + timing.zone() + ": held until "
                            + describe(moved, timing));
                }
                if (moved == null) {
                    break;
                }
                candidate = moved;
            }
        }
        if (expiresAt != null && !candidate.isBefore(expiresAt)) {
            return new Expired("the earliest allowed time " + candidate + " is not before expiresAt " + expiresAt
                    + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")"));
        }
        return new At(candidate, reasons);
    }

    /** The next moment quiet hours end, after {@code local}. */
    private static Instant quietEnd(ZonedDateTime local, Timing.Quiet quiet) {
        LocalDate day = local.toLocalDate();
        if (!local.toLocalTime().isBefore(quiet.end())) {
            day = day.plusDays(1); // in the evening part of a wrapping quiet period
        }
        return at(day, quiet.end(), local);
    }

    /** The next moment the window opens (or the start of today's window, if it is still ahead). */
    private static Instant nextWindowOpening(ZonedDateTime local, Timing.Window window) {
        LocalDate day = local.toLocalDate();
        if (!(window.days().contains(day.getDayOfWeek()) && local.toLocalTime().isBefore(window.start()))) {
            day = day.plusDays(1);
            while (!window.days().contains(day.getDayOfWeek())) {
                day = day.plusDays(1);
            }
        }
        return at(day, window.start(), local);
    }

    /**
     * A local date and time as an instant in the customer's zone. In a spring-forward gap the time
     * moves forward by the gap (02:30 becomes 03:30); in an autumn overlap the earlier one is taken.
     */
    private static Instant at(LocalDate day, LocalTime time, ZonedDateTime zoneOf) {
        return ZonedDateTime.of(day, time, zoneOf.getZone()).toInstant();
    }

    private static String describe(Instant instant, Timing timing) {
        ZonedDateTime local = instant.atZone(timing.zone());
        return local.getDayOfWeek().name().substring(0, 3) + " " + local.toLocalDate() + " " + local.toLocalTime()
                + " local (" + instant + ")";
    }
}
