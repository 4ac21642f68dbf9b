package io.relay.routing.decide;

import io.relay.routing.accept.MessageRequest;
import io.relay.routing.customer.CustomerContact;
import java.util.Optional;

/**
 * Which channel, or none. This first version delivers email only; preferences, consent, quiet hours
 * and fallback arrive with the routing issue. Plain Java: no Spring, no I/O.
 */
public final class ChannelDecision {

    private ChannelDecision() {}

    public static Decision decide(MessageRequest message, Optional<CustomerContact> customer) {
        if (customer.isEmpty()) {
            return new Decision.Suppress("customer " + message.customerId() + " is not known to preference-service");
        }
        if (message.channels() != null && !message.channels().contains("email")) {
            return new Decision.Suppress("the business allowed only " + String.join(", ", message.channels())
                    + "; this version delivers email only");
        }
        if (message.content() == null || message.content().email() == null) {
            return new Decision.Suppress("no email content given; this version delivers email only");
        }
        String email = customer.get().email();
        if (email == null || email.isBlank()) {
            return new Decision.Suppress("customer has no email address on file");
        }
        return new Decision.Send(
                "email", email, "email: the channel this version delivers, to the customer's address on file");
    }
}
