package io.relay.routing.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.routing.customer.PreferenceAnswer;
import io.relay.routing.customer.ResolvedChoices;
import io.relay.routing.message.MessageRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelDecisionTest {

    private static final MessageRequest.Content EMAIL_AND_SMS = new MessageRequest.Content(
            new MessageRequest.EmailContent("Hi", "text", null), new MessageRequest.SmsContent("Hi"), null);

    private static final java.util.Set<String> ALL = java.util.Set.of("email", "sms", "push");
    private static final java.util.Set<String> EMAIL_ONLY = java.util.Set.of("email");

    @Test
    void aCustomerWhoRanksSmsFirstGetsSmsAndEmailOnceSmsHasFailed() {
        Decision first = ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("sms", "email"), List.of(), ALL);
        Decision fallback =
                ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("sms", "email"), List.of("sms"), ALL);

        assertThat(((Decision.Send) first).channel()).isEqualTo("sms");
        assertThat(((Decision.Send) fallback).channel()).isEqualTo("email");
        assertThat(fallback.reason())
                .isEqualTo("email: customer's choice 2 for appointments (passed over sms: failed already)");
    }

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
                null,
                null,
                "Europe/Amsterdam",
                "nl-NL",
                null,
                false,
                null));
    }

    @Test
    void theCustomersEmailIsUsedWhenEmailIsTheirFirstChoice() {
        Decision decision =
                ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("email", "sms"), List.of(), ALL);

        assertThat(decision)
                .isEqualTo(new Decision.Send(
                        "email", List.of("ana@example.org"), "email: customer's choice 1 for appointments"));
    }

    @Test
    void anEarlierChoiceThisVersionCannotDeliverIsNamedInTheReason() {
        Decision decision =
                ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("sms", "email"), List.of(), EMAIL_ONLY);

        assertThat(decision).isInstanceOf(Decision.Send.class);
        assertThat(decision.reason())
                .isEqualTo(
                        "email: customer's choice 2 for appointments (passed over sms: not delivered by this deployment)");
    }

    @Test
    void aCustomerWhoAcceptsNoEmailIsNotEmailedAndTheReasonsAreListed() {
        Decision decision = ChannelDecision.decide(message(null, EMAIL_AND_SMS), accepts("sms"), List.of(), EMAIL_ONLY);

        assertThat(decision).isInstanceOf(Decision.Suppress.class);
        assertThat(decision.reason())
                .contains("sms: not delivered by this deployment")
                .contains("push: no push token on file");
    }

    @Test
    void theBusinessCanNarrowTheChannels() {
        Decision decision =
                ChannelDecision.decide(message(List.of("sms"), EMAIL_AND_SMS), accepts("email"), List.of(), ALL);

        assertThat(decision.reason()).contains("email: the business did not allow it");
    }

    @Test
    void noContentForTheChannelMeansItIsNotUsed() {
        MessageRequest.Content smsOnly = new MessageRequest.Content(null, new MessageRequest.SmsContent("hi"), null);

        Decision decision = ChannelDecision.decide(message(null, smsOnly), accepts("email"), List.of(), ALL);

        assertThat(decision.reason()).contains("email: no email content given");
    }

    @Test
    void anUnknownCustomerIsSuppressedInPreferenceServicesWords() {
        Decision decision = ChannelDecision.decide(
                message(null, EMAIL_AND_SMS), new PreferenceAnswer.Unknown("customer c-42 not found"), List.of(), ALL);

        assertThat(decision).isEqualTo(new Decision.Suppress("preference-service: customer c-42 not found"));
    }
}
