package io.relay.routing.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FrequencyCapTest {

    @Test
    void theWindowEndsNowAndReachesBackItsDuration() {
        assertThat(FrequencyCap.windowStart("P1D", Instant.parse("2026-11-27T10:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(FrequencyCap.windowStart("PT6H", Instant.parse("2026-11-27T10:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-27T04:00:00Z"));
    }

    @Test
    void theMaxthMessageIsTheLastThatMayGoAndTheReasonSaysWhy() {
        assertThat(FrequencyCap.reached(3, "P1D", 2, "offers")).isEmpty();
        assertThat(FrequencyCap.reached(3, "P1D", 3, "offers"))
                .hasValue("frequency cap reached: 3 of at most 3 per P1D already sent for offers");
    }
}
