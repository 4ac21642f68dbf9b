package io.relay.routing.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.routing.accept.MessageRequest;
import io.relay.routing.customer.PreferenceAnswer;
import io.relay.routing.customer.ResolvedChoices;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelDecisionTest {

    private static final MessageRequest.Content EMAIL_AND_SMS = new MessageRequest.Content(
            new MessageRequest.EmailContent("Hi", "text", null), new MessageRequest.SmsContent("Hi"), null);

    private static MessageRequest message(List<String> channels, MessageRequest.Content content) {
        return new MessageRequest("c-42", "appointments", null, channels, null, null, content, null, null);
    }

    private static PreferenceAnswer accepts(String... channels) {
        List<ResolvedChoices.ChannelAddresses> options = java.util.Arrays.stream(channels)
                .map(c -> new ResolvedChoices.ChannelAddresses(
                        c, List.of(c.equals("email") ? "ana@example.org" : "+31612345678")))
                .toList();
        return new PreferenceAnswer.Known(new ResolvedChoices(
                "c-42",
                "appointments",
                "transactional",
                options,
                List.of(new ResolvedChoices.Exclusion("push", "no push token on file")),
                "Europe/Amsterdam",
                "nl-NL"));
    }

    @Test
    void theCustomersEmailIsUsedWhenEmailIsTheirFirstChoice() {
        Decision decision = ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("email", "sms"));

        assertThat(decision)
                .isEqualTo(
                        new Decision.Send("email", "ana@example.org", "email: customer's choice 1 for appointments"));
    }

    @Test
    void anEarlierChoiceThisVersionCannotDeliverIsNamedInTheReason() {
        Decision decision = ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("sms", "email"));

        assertThat(decision).isInstanceOf(Decision.Send.class);
        assertThat(decision.reason())
                .isEqualTo(
                        "email: customer's choice 2 for appointments (passed over sms: not delivered by this version)");
    }

    @Test
    void aCustomerWhoAcceptsNoEmailIsNotEmailedAndTheReasonsAreListed() {
        Decision decision = ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("sms"));

        assertThat(decision).isInstanceOf(Decision.Suppress.class);
        assertThat(decision.reason())
                .contains("sms: not delivered by this version")
                .contains("push: no push token on file");
    }

    @Test
    void theBusinessCanNarrowTheChannels() {
        Decision decision = ChannelDecision.decide(message(List.of("sms"), EMAIL_AND_SMS), accepts("email"));

        assertThat(decision.reason()).contains("email: the business did not allow it");
    }

    @Test
    void noContentForTheChannelMeansItIsNotUsed() {
        MessageRequest.Content smsOnly = new MessageRequest.Content(null, new MessageRequest.SmsContent("hi"), null);

        Decision decision = ChannelDecision.decide(message(null, smsOnly), accepts("email"));

        assertThat(decision.reason()).contains("email: no email content given");
    }

    @Test
    void anUnknownCustomerIsSuppressedInPreferenceServicesWords() {
        Decision decision = ChannelDecision.decide(
                message(null, EMAIL_AND_SMS), new PreferenceAnswer.Unknown("customer c-42 not found"));

        assertThat(decision).isEqualTo(new Decision.Suppress("preference-service: customer c-42 not found"));
    }
}
