package io.relay.routing.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.relay.routing.accept.MessageRequest;
import io.relay.routing.customer.CustomerContact;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChannelDecisionTest {

    private static final MessageRequest.Content EMAIL =
            new MessageRequest.Content(new MessageRequest.EmailContent("Hi", "text", null), null, null);
    private static final CustomerContact ANA =
            new CustomerContact("c-42", "ana@example.org", null, "Europe/Amsterdam", "nl-NL");

    private static MessageRequest message(List<String> channels, MessageRequest.Content content) {
        return new MessageRequest("c-42", "appointments", null, channels, null, null, content, null, null);
    }

    @Test
    void aKnownCustomerWithAnAddressGetsTheEmailAtThatAddress() {
        Decision decision = ChannelDecision.decide(message(null, EMAIL), Optional.of(ANA));

        assertThat(decision).isInstanceOf(Decision.Send.class);
        assertThat(((Decision.Send) decision).address()).isEqualTo("ana@example.org");
        assertThat(((Decision.Send) decision).channel()).isEqualTo("email");
    }

    @Test
    void anUnknownCustomerIsSuppressedNamingTheCustomer() {
        Decision decision = ChannelDecision.decide(message(null, EMAIL), Optional.empty());

        assertThat(decision).isInstanceOf(Decision.Suppress.class);
        assertThat(decision.reason()).contains("c-42").contains("not known");
    }

    @Test
    void aCustomerWithoutEmailIsSuppressed() {
        CustomerContact noEmail = new CustomerContact("c-42", null, "+31612345678", null, null);

        Decision decision = ChannelDecision.decide(message(null, EMAIL), Optional.of(noEmail));

        assertThat(decision.reason()).isEqualTo("customer has no email address on file");
    }

    @Test
    void aBusinessThatDisallowsEmailGetsNoEmail() {
        Decision decision = ChannelDecision.decide(message(List.of("sms"), EMAIL), Optional.of(ANA));

        assertThat(decision).isInstanceOf(Decision.Suppress.class);
        assertThat(decision.reason()).contains("allowed only sms");
    }

    @Test
    void smsOnlyContentIsNotSentAsEmail() {
        MessageRequest.Content smsOnly = new MessageRequest.Content(null, new MessageRequest.SmsContent("hi"), null);

        Decision decision = ChannelDecision.decide(message(null, smsOnly), Optional.of(ANA));

        assertThat(decision).isInstanceOf(Decision.Suppress.class);
    }
}
