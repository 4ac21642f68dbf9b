package io.relay.routing.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class TimeDecisionTest {

    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");
    private static final Timing.Quiet NIGHT = new Timing.Quiet(LocalTime.of(22, 0), LocalTime.of(7, 30));
    private static final Timing.Window OFFICE = new Timing.Window(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0), LocalTime.of(18, 0));

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }

    private static Instant when(TimeDecision.When when) {
        assertThat(when).isInstanceOf(TimeDecision.At.class);
        return ((TimeDecision.At) when).at();
    }

    @Test
    void withNoRulesAMessageGoesNow() {
        TimeDecision.When when = TimeDecision.earliest(at("2026-11-27T10:00:00Z"), null, null, false, null);

        assertThat(when(when)).isEqualTo(at("2026-11-27T10:00:00Z"));
        assertThat(when.reason()).isEmpty();
    }

    @Test
    void aMessageAt23LocalWaitsForTheEndOfQuietHoursNextMorning() {
        // 23:00 in Amsterdam (UTC+1 in November) is 22:00Z
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-26T22:00:00Z"), null, null, false, new Timing(AMSTERDAM, NIGHT, null));

        assertThat(when(when)).isEqualTo(at("2026-11-27T06:30:00Z")); // 07:30 local
        assertThat(when.reason()).contains("quiet hours 22:00-07:30 Europe/Amsterdam: held until FRI 2026-11-27 07:30");
    }

    @Test
    void theEarlyMorningPartOfWrappingQuietHoursEndsTheSameDay() {
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-27T04:00:00Z"), null, null, false, new Timing(AMSTERDAM, NIGHT, null)); // 05:00 local

        assertThat(when(when)).isEqualTo(at("2026-11-27T06:30:00Z"));
    }

    @Test
    void urgentSkipsQuietHoursOnlyWhenAllowed() {
        Timing timing = new Timing(AMSTERDAM, NIGHT, null);

        TimeDecision.When urgent = TimeDecision.earliest(at("2026-11-26T22:00:00Z"), null, null, true, timing);
        TimeDecision.When normal = TimeDecision.earliest(at("2026-11-26T22:00:00Z"), null, null, false, timing);

        assertThat(when(urgent)).isEqualTo(at("2026-11-26T22:00:00Z"));
        assertThat(urgent.reason()).contains("urgent: quiet hours 22:00-07:30 Europe/Amsterdam skipped");
        assertThat(when(normal)).isEqualTo(at("2026-11-27T06:30:00Z"));
    }

    @Test
    void urgentStillRespectsTheDeliveryWindow() {
        // Saturday 23:00 local: quiet hours skipped, but the window opens Monday 09:00
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-28T22:00:00Z"), null, null, true, new Timing(AMSTERDAM, NIGHT, OFFICE));

        assertThat(when(when)).isEqualTo(at("2026-11-30T08:00:00Z"));
    }

    @Test
    void aFridayEveningMessageWaitsForMondaysWindow() {
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-27T18:30:00Z"), null, null, false, new Timing(AMSTERDAM, NIGHT, OFFICE)); // Fri 19:30

        assertThat(when(when)).isEqualTo(at("2026-11-30T08:00:00Z")); // Mon 09:00 local
        assertThat(when.reason()).contains("delivery window MON,TUE,WED,THU,FRI 09:00-18:00");
    }

    @Test
    void sendAtIsTheEarliestEvenWhenEverythingElseAllows() {
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-27T10:00:00Z"),
                at("2026-11-27T12:00:00Z"),
                null,
                false,
                new Timing(AMSTERDAM, NIGHT, null));

        assertThat(when(when)).isEqualTo(at("2026-11-27T12:00:00Z"));
        assertThat(when.reason()).contains("not before sendAt");
    }

    @Test
    void aMessageWhoseEarliestTimeIsAfterItsExpiryExpires() {
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-26T22:00:00Z"),
                null,
                at("2026-11-27T06:00:00Z"),
                false,
                new Timing(AMSTERDAM, NIGHT, null));

        assertThat(when).isInstanceOf(TimeDecision.Expired.class);
        assertThat(when.reason()).contains("expiresAt 2026-11-27T06:00:00Z").contains("quiet hours");
    }

    @Test
    void quietHoursEndingInASpringForwardGapEndAfterTheGap() {
        // Amsterdam, 29 March 2026: 02:00 jumps to 03:00. Quiet 23:00-02:30 ends at 03:30 CEST (01:30Z).
        Timing timing = new Timing(AMSTERDAM, new Timing.Quiet(LocalTime.of(23, 0), LocalTime.of(2, 30)), null);

        TimeDecision.When when = TimeDecision.earliest(at("2026-03-28T23:30:00Z"), null, null, false, timing);

        assertThat(when(when)).isEqualTo(at("2026-03-29T01:30:00Z"));
    }

    @Test
    void quietHoursAcrossTheAutumnChangeUseTheRightOffsetOnEachSide() {
        // Amsterdam, 25 October 2026: 03:00 CEST falls back to 02:00 CET. 22:00 CEST is 20:00Z;
        // 07:30 CET the next morning is 06:30Z: the night is an hour longer, and so is the wait.
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-10-24T20:00:00Z"), null, null, false, new Timing(AMSTERDAM, NIGHT, null));

        assertThat(when(when)).isEqualTo(at("2026-10-25T06:30:00Z"));
    }

    @Test
    void aHalfHourOffsetZoneIsHonoured() {
        // Kolkata is UTC+05:30: 23:00 local is 17:30Z, 07:30 local is 02:00Z
        TimeDecision.When when = TimeDecision.earliest(
                at("2026-11-27T17:30:00Z"), null, null, false, new Timing(ZoneId.of("Asia/Kolkata"), NIGHT, null));

        assertThat(when(when)).isEqualTo(at("2026-11-28T02:00:00Z"));
    }

    @Test
    void aWindowOpeningInsideQuietHoursWaitsForBoth() {
        Timing timing = new Timing(
                AMSTERDAM,
                new Timing.Quiet(LocalTime.of(21, 0), LocalTime.of(10, 0)),
                new Timing.Window(EnumSet.allOf(DayOfWeek.class), LocalTime.of(9, 0), LocalTime.of(17, 0)));

        TimeDecision.When when = TimeDecision.earliest(at("2026-11-27T05:00:00Z"), null, null, false, timing); // 06:00

        assertThat(when(when)).isEqualTo(at("2026-11-27T09:00:00Z")); // 10:00 local: window open, quiet over
    }
}
