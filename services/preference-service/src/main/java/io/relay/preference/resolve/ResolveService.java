package io.relay.preference.resolve;

import io.relay.contracts.Channel;
import io.relay.preference.category.Category;
import io.relay.preference.category.CategoryStore;
import io.relay.preference.customer.Customer;
import io.relay.preference.customer.CustomerStore;
import io.relay.preference.preference.ConsentLedger;
import io.relay.preference.preference.EffectiveChoices;
import io.relay.preference.preference.PreferenceStore;
import io.relay.preference.suppress.SuppressionList;
import io.relay.redis.ResolvedChoicesCache;
import io.relay.web.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** One customer's resolved choices for one category: from the cache, or computed and cached. */
@Service
public class ResolveService {

    private final ResolvedCache cache;
    private final CustomerStore customers;
    private final CategoryStore categories;
    private final PreferenceStore preferences;
    private final ConsentLedger ledger;
    private final JsonMapper json;
    private final SuppressionList suppressions;

    public ResolveService(
            ResolvedCache cache,
            CustomerStore customers,
            CategoryStore categories,
            PreferenceStore preferences,
            ConsentLedger ledger,
            JsonMapper json,
            SuppressionList suppressions) {
        this.suppressions = suppressions;
        this.cache = cache;
        this.customers = customers;
        this.categories = categories;
        this.preferences = preferences;
        this.ledger = ledger;
        this.json = json;
    }

    /** The answer as JSON, straight from the cache when it is there: no parsing on the hot path. */
    public String resolveJson(String tenantId, String customerId, String categoryName) {
        // the key is fixed before the database is read: a change after this point bumps the generation
        ResolvedChoicesCache.Lookup cached = cache.lookup(tenantId, customerId, categoryName);
        if (cached.value().isPresent()) {
            return cached.value().get();
        }
        String fresh = json.writeValueAsString(compute(tenantId, customerId, categoryName));
        cache.put(cached.key(), fresh);
        return fresh;
    }

    private ResolvedChoices compute(String tenantId, String customerId, String categoryName) {
        Customer customer =
                customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        Category category = categories
                .find(tenantId, categoryName)
                .orElseThrow(() -> new NotFoundException("category " + categoryName));
        Map<String, ConsentLedger.ConsentState> consent = ledger.state(tenantId, customerId);
        List<String> ranking = preferences.rankings(tenantId, customerId).get(categoryName);
        List<String> accepted = EffectiveChoices.channels(category, ranking, consent);
        List<ResolvedChoices.ChannelAddresses> usable = new ArrayList<>();
        List<ResolvedChoices.Exclusion> excluded = new ArrayList<>();
        for (String channel : accepted) {
            List<String> onFile = customer.addresses(Channel.of(channel));
            java.util.Set<String> suppressed =
                    suppressions.suppressedAmong(tenantId, channel, onFile, "marketing".equals(category.kind()));
            List<String> addresses =
                    onFile.stream().filter(a -> !suppressed.contains(a)).toList();
            if (onFile.isEmpty()) {
                excluded.add(new ResolvedChoices.Exclusion(channel, "no " + contactName(channel) + " on file"));
            } else if (addresses.isEmpty()) {
                excluded.add(new ResolvedChoices.Exclusion(
                        channel, "the " + contactName(channel) + " on file is on the suppression list"));
            } else {
                usable.add(new ResolvedChoices.ChannelAddresses(channel, addresses));
            }
        }
        for (String channel : Channel.WIRE_NAMES) {
            String why = EffectiveChoices.whyNot(category, channel, consent);
            if (!accepted.contains(channel) && why != null) {
                excluded.add(new ResolvedChoices.Exclusion(channel, why));
            }
        }
        PreferenceStore.Timing timing = preferences.timing(tenantId, customerId).orElseThrow();
        return new ResolvedChoices(
                customerId,
                categoryName,
                category.kind(),
                usable,
                excluded,
                timing.quietHours(),
                timing.deliveryWindow(),
                customer.timeZone(),
                customer.locale(),
                category.frequencyCap(),
                category.urgentAllowed(),
                customer.attributes());
    }

    private static String contactName(String channel) {
        return switch (Channel.of(channel)) {
            case EMAIL -> "email address";
            case SMS -> "phone number";
            case PUSH -> "push token";
        };
    }
}
