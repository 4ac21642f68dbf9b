package io.relay.preference.preference;

import io.relay.preference.category.Category;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What a customer accepts for a category, from the category's rules, the customer's ranking and the
 * consent decisions on record. Plain Java: no Spring, no I/O.
 */
public final class EffectiveChoices {

    private EffectiveChoices() {}

    /** The customer's ranking first, then the category's default order; only consented channels. */
    public static List<String> channels(
            Category category, List<String> ranking, Map<String, ConsentLedger.ConsentState> consent) {
        LinkedHashSet<String> order = new LinkedHashSet<>();
        if (ranking != null) {
            order.addAll(ranking);
        }
        order.addAll(category.defaultChannels());
        List<String> accepted = new ArrayList<>();
        for (String channel : order) {
            if (consented(category, channel, consent)) {
                accepted.add(channel);
            }
        }
        return accepted;
    }

    /**
     * The latest decision on record, else the category's default: transactional is on, marketing needs
     * an explicit opt-in.
     */
    public static boolean consented(
            Category category, String channel, Map<String, ConsentLedger.ConsentState> consent) {
        ConsentLedger.ConsentState state = consent.get(ConsentLedger.key(category.category(), channel));
        return state != null ? state.granted() : !category.isMarketing();
    }

    /** Why a channel is not among the accepted ones, in words for the message timeline. */
    public static String whyNot(Category category, String channel, Map<String, ConsentLedger.ConsentState> consent) {
        ConsentLedger.ConsentState state = consent.get(ConsentLedger.key(category.category(), channel));
        if (state != null && !state.granted()) {
            return "customer turned off " + channel + " for " + category.category() + " (" + state.source() + ")";
        }
        if (state == null && category.isMarketing()) {
            return "no opt-in to " + channel + " for marketing category " + category.category();
        }
        return null;
    }
}
