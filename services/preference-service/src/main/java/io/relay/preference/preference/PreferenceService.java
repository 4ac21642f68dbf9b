package io.relay.preference.preference;

import io.relay.contracts.Channel;
import io.relay.preference.category.Category;
import io.relay.preference.category.CategoryStore;
import io.relay.preference.change.Changes;
import io.relay.preference.customer.CustomerStore;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reading and changing what a customer accepts. Every consent change is a ledger row written in the
 * same transaction as the state it explains; the cache is invalidated after the commit, so the next
 * routing decision sees the change.
 */
@Service
public class PreferenceService {

    private final CustomerStore customers;
    private final CategoryStore categories;
    private final PreferenceStore preferences;
    private final ConsentLedger ledger;
    private final Changes changes;
    private final TransactionTemplate tx;
    private final Clock clock;

    public PreferenceService(
            CustomerStore customers,
            CategoryStore categories,
            PreferenceStore preferences,
            ConsentLedger ledger,
            Changes changes,
            TransactionTemplate tx,
            Clock clock) {
        this.customers = customers;
        this.categories = categories;
        this.preferences = preferences;
        this.ledger = ledger;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    public PreferencesView view(String tenantId, String customerId) {
        var customer =
                customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        Map<String, List<String>> rankings = preferences.rankings(tenantId, customerId);
        Map<String, ConsentLedger.ConsentState> consent = ledger.state(tenantId, customerId);
        Map<String, CategoryChoice> choices = new LinkedHashMap<>();
        for (Category category : categories.list(tenantId)) {
            choices.put(
                    category.category(),
                    new CategoryChoice(
                            EffectiveChoices.channels(category, rankings.get(category.category()), consent)));
        }
        PreferenceStore.Timing timing = preferences.timing(tenantId, customerId).orElseThrow();
        return new PreferencesView(choices, timing.quietHours(), timing.deliveryWindow(), customer.timeZone());
    }

    /** Applies a preferences change; {@code sourceRequired} for the business API, which must say where it came from. */
    public PreferencesView update(
            String tenantId, String customerId, PreferencesRequest request, Origin origin, boolean sourceRequired) {
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        Map<String, Category> known =
                categories.list(tenantId).stream().collect(Collectors.toMap(Category::category, c -> c));
        List<FieldViolation> violations = PreferencesValidator.violations(request, known.keySet(), sourceRequired);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        tx.executeWithoutResult(status -> {
            Instant now = clock.instant();
            Map<String, ConsentLedger.ConsentState> consent = ledger.state(tenantId, customerId);
            request.categories().forEach((name, choice) -> {
                Category category = known.get(name);
                preferences.rank(tenantId, customerId, name, choice.channels());
                // channels the category does not use are not the customer's to refuse: no ledger noise
                for (String channel : Channel.WIRE_NAMES) {
                    if (!category.defaultChannels().contains(channel)
                            && !choice.channels().contains(channel)) {
                        continue;
                    }
                    boolean wanted = choice.channels().contains(channel);
                    if (wanted != EffectiveChoices.consented(category, channel, consent)) {
                        ledger.record(tenantId, customerId, entry(now, name, channel, wanted, origin, null));
                    }
                }
            });
            preferences.setTiming(tenantId, customerId, request.quietHours(), request.deliveryWindow());
        });
        changes.customer(tenantId, customerId);
        return view(tenantId, customerId);
    }

    /** One-click unsubscribe: off for one category on one channel, at once. True if it was on. */
    public boolean withdraw(String tenantId, String customerId, String categoryName, String channel, Origin origin) {
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        Category category = categories
                .find(tenantId, categoryName)
                .orElseThrow(() -> new NotFoundException("category " + categoryName));
        Boolean changed = tx.execute(status -> {
            if (!EffectiveChoices.consented(category, channel, ledger.state(tenantId, customerId))) {
                return false;
            }
            ledger.record(tenantId, customerId, entry(clock.instant(), categoryName, channel, false, origin, null));
            return true;
        });
        changes.customer(tenantId, customerId);
        return Boolean.TRUE.equals(changed);
    }

    /**
     * An SMS keyword from a number: STOP takes SMS away in every category for every customer of the
     * tenant with that number; START gives back what a keyword took (and nothing a customer turned
     * off another way). Returns the customers changed.
     */
    public List<String> smsKeyword(String tenantId, String phone, boolean optIn, String keyword) {
        List<String> affected = customers.withPhone(tenantId, phone);
        List<Category> all = categories.list(tenantId);
        tx.executeWithoutResult(status -> {
            Instant now = clock.instant();
            for (String customerId : affected) {
                Map<String, ConsentLedger.ConsentState> consent = ledger.state(tenantId, customerId);
                for (Category category : all) {
                    boolean on = EffectiveChoices.consented(category, Channel.SMS.wireName(), consent);
                    ConsentLedger.ConsentState state =
                            consent.get(ConsentLedger.key(category.category(), Channel.SMS.wireName()));
                    boolean takenByKeyword =
                            state != null && !state.granted() && Origin.SMS_KEYWORD.equals(state.source());
                    if ((!optIn && on) || (optIn && takenByKeyword)) {
                        ledger.record(
                                tenantId,
                                customerId,
                                entry(
                                        now,
                                        category.category(),
                                        Channel.SMS.wireName(),
                                        optIn,
                                        Origin.smsKeyword(keyword),
                                        null));
                    }
                }
            }
        });
        affected.forEach(customerId -> changes.customer(tenantId, customerId));
        return affected;
    }

    /**
     * A spam complaint (RFC 5965) about a message to this customer (or, when the report did not say
     * whom, to whoever has the address): email off in every marketing category, recorded with the
     * report's id. Transactional email goes on. Returns the customers changed.
     */
    public List<String> emailComplaint(String tenantId, String customerId, String address, String reportId) {
        List<String> affected = customerId != null
                ? customers
                        .find(tenantId, customerId)
                        .map(c -> List.of(c.customerId()))
                        .orElse(List.of())
                : address == null ? List.of() : customers.withEmail(tenantId, address);
        List<Category> marketing = categories.list(tenantId).stream()
                .filter(c -> "marketing".equals(c.kind()))
                .toList();
        tx.executeWithoutResult(status -> {
            Instant now = clock.instant();
            for (String customer : affected) {
                Map<String, ConsentLedger.ConsentState> consent = ledger.state(tenantId, customer);
                for (Category category : marketing) {
                    if (EffectiveChoices.consented(category, Channel.EMAIL.wireName(), consent)) {
                        ledger.record(
                                tenantId,
                                customer,
                                entry(
                                        now,
                                        category.category(),
                                        Channel.EMAIL.wireName(),
                                        false,
                                        Origin.complaint(reportId),
                                        "marked as spam at the mailbox provider"));
                    }
                }
            }
        });
        affected.forEach(customer -> changes.customer(tenantId, customer));
        return affected;
    }

    /** A provider reported a push token dead: it is removed from every customer that has it, and noted. */
    public List<String> removePushToken(String tenantId, String token, String detail) {
        List<String> affected = tx.execute(status -> {
            List<String> changed = customers.removePushToken(tenantId, token);
            Instant now = clock.instant();
            String shown = token.length() > 8 ? "…" + token.substring(token.length() - 8) : token;
            for (String customerId : changed) {
                ledger.append(
                        tenantId,
                        customerId,
                        new LedgerEntry(
                                now,
                                null,
                                Channel.PUSH.wireName(),
                                null,
                                Origin.PROVIDER,
                                null,
                                "token " + shown,
                                "push token removed: " + (detail == null ? "reported invalid" : detail)));
            }
            return changed;
        });
        affected.forEach(customerId -> changes.customer(tenantId, customerId));
        return affected;
    }

    /** The provider says this number cannot take SMS: it is removed from the tenant's customers, and noted. */
    public List<String> removePhone(String tenantId, String phone, String detail) {
        List<String> affected = tx.execute(status -> {
            List<String> changed = customers.removePhone(tenantId, phone);
            Instant now = clock.instant();
            for (String customerId : changed) {
                ledger.append(
                        tenantId,
                        customerId,
                        new LedgerEntry(
                                now,
                                null,
                                Channel.SMS.wireName(),
                                null,
                                Origin.PROVIDER,
                                null,
                                "number ending " + phone.substring(Math.max(0, phone.length() - 4)),
                                "phone number removed: " + (detail == null ? "reported invalid" : detail)));
            }
            return changed;
        });
        affected.forEach(customerId -> changes.customer(tenantId, customerId));
        return affected;
    }

    public List<LedgerEntry> ledger(String tenantId, String customerId) {
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        return ledger.entries(tenantId, customerId);
    }

    public Set<String> categoryNames(String tenantId) {
        return categories.list(tenantId).stream().map(Category::category).collect(Collectors.toSet());
    }

    private static LedgerEntry entry(
            Instant at, String category, String channel, boolean granted, Origin origin, String note) {
        return new LedgerEntry(
                at,
                category,
                channel,
                granted,
                origin.source(),
                origin.statedSource(),
                origin.evidence(),
                note,
                origin.actor());
    }
}
