package io.relay.routing.decide;

import io.relay.routing.accept.MessageRequest;
import io.relay.routing.customer.PreferenceAnswer;
import io.relay.routing.customer.ResolvedChoices;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which channel, or none, from what the customer accepts (in their order), what the business allowed
 * and the content it gave. This version delivers email only: a channel earlier in the customer's order
 * is named in the reason and passed over. Plain Java: no Spring, no I/O.
 */
public final class ChannelDecision {

    /** The channels this version can deliver. */
    static final Set<String> DELIVERABLE = Set.of("email");

    private ChannelDecision() {}

    public static Decision decide(MessageRequest message, PreferenceAnswer answer) {
        if (answer instanceof PreferenceAnswer.Unknown unknown) {
            return new Decision.Suppress("preference-service: " + unknown.detail());
        }
        ResolvedChoices choices = ((PreferenceAnswer.Known) answer).choices();
        List<String> passedOver = new ArrayList<>();
        int rank = 0;
        for (ResolvedChoices.ChannelAddresses option : choices.channels()) {
            rank++;
            String channel = option.channel();
            if (message.channels() != null && !message.channels().contains(channel)) {
                passedOver.add(channel + ": the business did not allow it");
            } else if (!hasContent(message, channel)) {
                passedOver.add(channel + ": no " + channel + " content given");
            } else if (!DELIVERABLE.contains(channel)) {
                passedOver.add(channel + ": not delivered by this version");
            } else {
                String reason = channel + ": customer's choice " + rank + " for " + choices.category()
                        + (passedOver.isEmpty() ? "" : " (passed over " + String.join("; ", passedOver) + ")");
                return new Decision.Send(channel, option.addresses().getFirst(), reason);
            }
        }
        List<String> why = new ArrayList<>(passedOver);
        choices.excluded().forEach(e -> why.add(e.channel() + ": " + e.reason()));
        return new Decision.Suppress(
                "no usable channel for " + choices.category() + (why.isEmpty() ? "" : " — " + String.join("; ", why)));
    }

    private static boolean hasContent(MessageRequest message, String channel) {
        MessageRequest.Content content = message.content();
        if (content == null) {
            return false;
        }
        return switch (channel) {
            case "email" -> content.email() != null;
            case "sms" -> content.sms() != null;
            case "push" -> content.push() != null;
            default -> false;
        };
    }
}
