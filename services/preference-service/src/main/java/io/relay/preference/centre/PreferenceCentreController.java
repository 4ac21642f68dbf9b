package io.relay.preference.centre;

import io.relay.contracts.Channel;
import io.relay.links.LinkClaims;
import io.relay.links.LinkTokens;
import io.relay.preference.category.Category;
import io.relay.preference.category.CategoryStore;
import io.relay.preference.change.Changes;
import io.relay.preference.customer.Customer;
import io.relay.preference.customer.CustomerStore;
import io.relay.preference.customer.CustomerValidator;
import io.relay.preference.preference.CategoryChoice;
import io.relay.preference.preference.Origin;
import io.relay.preference.preference.PreferenceService;
import io.relay.preference.preference.PreferencesRequest;
import io.relay.preference.preference.PreferencesView;
import io.relay.preference.preference.QuietHours;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.UnauthenticatedException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;

/**
 * The preference centre: a server-rendered page a customer reaches from a signed link. Plain HTML
 * forms, so it works without JavaScript; saving writes the consent ledger as the customer's own
 * change, with the link as evidence.
 */
@Controller
public class PreferenceCentreController {

    private final LinkTokens tokens;
    private final PreferenceService preferences;
    private final CustomerStore customers;
    private final CategoryStore categories;
    private final Changes changes;
    private final Clock clock;

    public PreferenceCentreController(
            LinkTokens tokens,
            PreferenceService preferences,
            CustomerStore customers,
            CategoryStore categories,
            Changes changes,
            Clock clock) {
        this.tokens = tokens;
        this.preferences = preferences;
        this.customers = customers;
        this.categories = categories;
        this.changes = changes;
        this.clock = clock;
    }

    /** One channel checkbox: whether it is on, and whether the customer can be reached on it at all. */
    public record ChannelOption(String channel, String label, boolean checked, String note) {}

    /** One category as the page shows it. */
    public record CategoryRow(
            String name, String title, String kindWords, List<ChannelOption> channels, String first) {}

    @GetMapping("/preferences")
    public String page(
            @RequestParam(required = false) String token, @RequestParam(required = false) String saved, Model model) {
        LinkClaims link = tokens.verify(token, LinkClaims.PREFERENCES);
        render(model, link, token, List.of());
        model.addAttribute("saved", saved != null);
        return "preferences";
    }

    @PostMapping("/preferences")
    public String save(
            @RequestParam(required = false) String token,
            @RequestParam MultiValueMap<String, String> form,
            Model model,
            jakarta.servlet.http.HttpServletRequest request,
            jakarta.servlet.http.HttpServletResponse response) {
        LinkClaims link = tokens.verify(token, LinkClaims.PREFERENCES);
        String tenantId = link.tenantId();
        String customerId = link.customerId();
        List<FieldViolation> problems = new ArrayList<>();
        String zone = trim(form.getFirst("timeZone"));
        if (zone != null
                && CustomerValidator.violations(customerId, profileWithZone(zone)).stream()
                        .anyMatch(v -> v.field().equals("timeZone"))) {
            problems.add(new FieldViolation("timeZone", "is not a time zone we know, e.g. Europe/Amsterdam"));
        }
        String quietStart = trim(form.getFirst("quietStart"));
        String quietEnd = trim(form.getFirst("quietEnd"));
        if ((quietStart == null) != (quietEnd == null)) {
            problems.add(new FieldViolation("quietHours", "give both a start and an end, or neither"));
        }
        Map<String, CategoryChoice> choices = new LinkedHashMap<>();
        for (Category category : categories.list(tenantId)) {
            List<String> checked = form.getOrDefault("channel:" + category.category(), List.of()).stream()
                    .filter(c -> Channel.fromWire(c).isPresent())
                    .distinct()
                    .toList();
            choices.put(
                    category.category(),
                    new CategoryChoice(ranked(checked, form.getFirst("first:" + category.category()), category)));
        }
        if (problems.isEmpty()) {
            try {
                PreferencesView current = preferences.view(tenantId, customerId);
                QuietHours quiet = quietStart == null ? null : new QuietHours(quietStart, quietEnd);
                preferences.update(
                        tenantId,
                        customerId,
                        new PreferencesRequest(choices, quiet, current.deliveryWindow(), null),
                        Origin.preferenceCentre(link.linkId(), Visitor.of(request, Visitor.PREFERENCES_WORDING)),
                        false);
                if (zone != null) {
                    customers.setTimeZone(tenantId, customerId, zone, clock.instant());
                    changes.customer(tenantId, customerId);
                }
                return "redirect:/preferences?saved=1&token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            } catch (InvalidRequestException e) {
                problems.addAll(e.violations());
            }
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        render(model, link, token, problems);
        model.addAttribute("saved", false);
        return "preferences";
    }

    @ExceptionHandler(UnauthenticatedException.class)
    @ResponseStatus(HttpStatus.UNAUTHORIZED)
    String invalidLink() {
        return "link-invalid";
    }

    @ExceptionHandler(NotFoundException.class)
    @ResponseStatus(HttpStatus.NOT_FOUND)
    String gone() {
        return "link-invalid";
    }

    private void render(Model model, LinkClaims link, String token, List<FieldViolation> problems) {
        Customer customer =
                customers.find(link.tenantId(), link.customerId()).orElseThrow(() -> new NotFoundException("customer"));
        PreferencesView view = preferences.view(link.tenantId(), link.customerId());
        List<CategoryRow> rows = new ArrayList<>();
        for (Category category : categories.list(link.tenantId())) {
            List<String> on = view.categories().get(category.category()).channels();
            List<ChannelOption> options = new ArrayList<>();
            for (String channel : Channel.WIRE_NAMES) {
                if (!category.defaultChannels().contains(channel) && !on.contains(channel)) {
                    continue; // this kind of message never goes out that way
                }
                options.add(new ChannelOption(
                        channel, Words.channel(channel), on.contains(channel), reachability(customer, channel)));
            }
            rows.add(new CategoryRow(
                    category.category(),
                    category.description() == null ? category.category() : category.description(),
                    Words.kind(category.kind()),
                    options,
                    on.isEmpty() ? null : on.getFirst()));
        }
        model.addAttribute("token", token);
        model.addAttribute("categories", rows);
        model.addAttribute("quietHours", view.quietHours());
        model.addAttribute("timeZone", customer.timeZone());
        model.addAttribute(
                "lang",
                customer.locale() == null
                        ? "en"
                        : Locale.forLanguageTag(customer.locale()).getLanguage());
        model.addAttribute("problems", problems);
    }

    private static String reachability(Customer customer, String channel) {
        return !customer.addresses(Channel.of(channel)).isEmpty()
                ? null
                : "We have no " + (channel.equals(Channel.PUSH.wireName()) ? "app" : Words.channel(channel))
                        + " details for you yet.";
    }

    /** The chosen first channel first, then the other ticked ones in the category's usual order. */
    static List<String> ranked(List<String> checked, String first, Category category) {
        List<String> order = new ArrayList<>();
        if (first != null && checked.contains(first)) {
            order.add(first);
        }
        for (String channel : category.defaultChannels()) {
            if (checked.contains(channel) && !order.contains(channel)) {
                order.add(channel);
            }
        }
        for (String channel : checked) {
            if (!order.contains(channel)) {
                order.add(channel);
            }
        }
        return order;
    }

    private static io.relay.preference.customer.CustomerProfile profileWithZone(String zone) {
        return new io.relay.preference.customer.CustomerProfile(null, null, null, zone, null, null);
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
