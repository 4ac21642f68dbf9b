package io.relay.routing.decide;

import io.relay.contracts.Channel;
import io.relay.routing.customer.PreferenceAnswer;
import io.relay.routing.customer.ResolvedChoices;
import io.relay.routing.message.MessageRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which channel, or none, from what the customer accepts (in their order), what the business allowed
 * and the content it gave. A channel this deployment does not deliver, earlier in the customer's order,
 * is named in the reason and passed over; so is one that already failed for this message. Plain Java.
 */
public final class ChannelDecision {

    private ChannelDecision() {}

    /**
     * @param tried channels that already failed for good for this message (fallback moves past them)
     * @param deliverable channels this deployment delivers (ROUTING_CHANNELS)
     */
    public static Decision decide(
            MessageRequest message, PreferenceAnswer answer, List<String> tried, Set<String> deliverable) {
        return decide(message, answer, tried, deliverable, null);
    }

    /**
     * @param smsCountries the countries the tenant may text (ISO 3166 codes, comma-separated; null or "*":
     *     any): a phone elsewhere is passed over with the reason, as the tenant's setting is now
     */
    public static Decision decide(
            MessageRequest message,
            PreferenceAnswer answer,
            List<String> tried,
            Set<String> deliverable,
            String smsCountries) {
        if (answer instanceof PreferenceAnswer.Unknown unknown) {
            return new Decision.Suppress("preference-service: " + unknown.detail());
        }
        ResolvedChoices choices = ((PreferenceAnswer.Known) answer).choices();
        List<String> passedOver = new ArrayList<>();
        int rank = 0;
        for (ResolvedChoices.ChannelAddresses option : choices.channels()) {
            rank++;
            String channel = option.channel();
            if (tried.contains(channel)) {
                passedOver.add(channel + ": failed already");
            } else if (message.channels() != null && !message.channels().contains(channel)) {
                passedOver.add(channel + ": the business did not allow it");
            } else if (!hasContent(message, channel)) {
                passedOver.add(channel + ": no " + channel + " content given");
            } else if (!deliverable.contains(channel)) {
                passedOver.add(channel + ": not delivered by this deployment");
            } else if (Channel.SMS.wireName().equals(channel)
                    && !SmsCountries.allowsAny(smsCountries, option.addresses())) {
                passedOver.add("sms: " + SmsCountries.regionsOf(option.addresses())
                        + " is not among the countries this tenant may text (smsCountries " + smsCountries + ")");
            } else {
                String reason = channel + ": customer's choice " + rank + " for " + choices.category()
                        + (passedOver.isEmpty() ? "" : " (passed over " + String.join("; ", passedOver) + ")");
                return new Decision.Send(channel, option.addresses(), reason);
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
        return Channel.fromWire(channel)
                .map(c -> switch (c) {
                    case EMAIL -> content.email() != null;
                    case SMS -> content.sms() != null;
                    case PUSH -> content.push() != null;
                })
                .orElse(false);
    }
}
