package io.relay.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactMaskingTest {

    @Test
    void providerAndSmtpErrorTextsLoseTheirContactDetails() {
        String twilio = ContactMasking.mask("The 'To' number +31612345678 is not a valid phone number.");
        String spaced = ContactMasking.mask("cannot reach +1 (415) 555-0100 now");
        String smtp = ContactMasking.mask("550 5.1.1 <ana.de.vries@example.org>: Recipient address rejected");

        assertThat(twilio).doesNotContain("612345678").contains("+31*******78");
        assertThat(spaced).doesNotContain("555-0100").doesNotContain("5550100");
        assertThat(smtp).doesNotContain("ana.de.vries").contains("a***@example.org");
    }

    @Test
    void timesIdsAndCountsStayReadable() {
        String line = "message msg_01 due 2026-11-27T10:00:00Z, attempt 3 of 30, 1234567 bytes, Twilio 21211";

        assertThat(ContactMasking.mask(line)).isEqualTo(line);
    }
}
