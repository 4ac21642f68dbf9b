package io.relay.channel.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.contracts.payload.Appointment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CalendarInviteTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    private static String invite(String title, String location, String url) {
        return CalendarInvite.request(
                new Appointment("apt-1", title, NOW.plusSeconds(3600), NOW.plusSeconds(5400), location, url),
                "agenda@acme.example",
                "ana@example.org",
                NOW);
    }

    @Test
    void aLineBreakInAnyValueStaysInsideItAndAddsNoPropertyOfItsOwn() {
        String evil = "\r\nATTENDEE:mailto:evil@example.org\r\nX-EVIL:1";

        String ics = invite("Check-up" + evil, "Main St 1" + evil, "https://acme.example/r/1" + evil);

        assertThat(ics.lines().filter(line -> line.startsWith("ATTENDEE")).toList())
                .singleElement()
                .asString()
                .endsWith(":mailto:ana@example.org");
        assertThat(ics).doesNotContain("\r\nX-EVIL").doesNotContain("\nX-EVIL");
        assertThat(ics).contains("ATTENDEE:mailto:evil@example.org"); // only as escaped text inside values
    }

    @Test
    void longNonAsciiValuesAreFoldedAt75OctetsWithoutSplittingACharacter() {
        String ics = invite("Zoë ".repeat(60), "Straße 1", null);

        assertThat(ics.split("\r\n"))
                .allSatisfy(line ->
                        assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75));
        assertThat(ics.replace("\r\n ", ""))
                .contains("SUMMARY:" + "Zoë ".repeat(60).strip());
    }
}
