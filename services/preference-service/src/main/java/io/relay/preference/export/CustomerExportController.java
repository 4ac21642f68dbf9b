package io.relay.preference.export;

import io.relay.contracts.Channel;
import io.relay.preference.customer.Customer;
import io.relay.preference.customer.CustomerStore;
import io.relay.preference.preference.LedgerEntry;
import io.relay.preference.preference.PreferenceService;
import io.relay.preference.preference.PreferencesView;
import io.relay.preference.suppress.SuppressionList;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import io.relay.web.UnavailableException;
import io.relay.web.WebProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * {@code GET /v1/customers/{customerId}/export}: everything the platform holds about one customer, as
 * one JSON document: the profile, the preferences, the consent ledger, the suppressions and every
 * message routing holds with its timeline. All or nothing: if routing cannot answer, 503, never a
 * partial export that looks complete.
 */
@RestController
public class CustomerExportController {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> MESSAGES =
            new ParameterizedTypeReference<>() {};

    /** The document's top-level keys, in this order. */
    public record CustomerExport(
            Customer profile,
            PreferencesView preferences,
            List<LedgerEntry> consents,
            List<SuppressionList.SuppressionChange> suppressions,
            List<Map<String, Object>> messages) {}

    private final CustomerStore customers;
    private final PreferenceService preferences;
    private final SuppressionList suppressionList;
    private final RestClient routing;
    private final String routingUrl;

    public CustomerExportController(
            CustomerStore customers,
            PreferenceService preferences,
            SuppressionList suppressionList,
            ExportProperties settings,
            WebProperties web) {
        this.suppressionList = suppressionList;
        this.customers = customers;
        this.preferences = preferences;
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(Duration.ofSeconds(2));
        factory.setReadTimeout(Duration.ofSeconds(10));
        this.routing = RestClient.builder()
                .requestFactory(factory)
                .defaultHeader(RequestContextFilter.INTERNAL_TOKEN, web.internalToken())
                .build();
        this.routingUrl = settings.routingServiceUrl().replaceAll("/+$", "");
    }

    /** What the suppression list holds about the addresses on the customer's profile. */
    private List<SuppressionList.SuppressionChange> suppressions(String tenantId, Customer profile) {
        List<SuppressionList.SuppressionChange> all = new java.util.ArrayList<>();
        for (Channel channel : Channel.values()) {
            all.addAll(suppressionList.history(tenantId, channel.wireName(), profile.addresses(channel)));
        }
        return all;
    }

    @GetMapping("/v1/customers/{customerId}/export")
    public CustomerExport export(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        Customer profile =
                customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        List<Map<String, Object>> messages;
        try {
            messages = routing.get()
                    .uri(URI.create(routingUrl + "/internal/v1/customers/"
                            + java.net.URLEncoder.encode(customerId, java.nio.charset.StandardCharsets.UTF_8)
                                    .replace("+", "%20")
                            + "/messages"))
                    .header(RequestContextFilter.TENANT, tenantId)
                    .retrieve()
                    .body(MESSAGES);
        } catch (RestClientException e) {
            throw new UnavailableException("the customer's messages cannot be read right now; retry");
        }
        return new CustomerExport(
                profile,
                preferences.view(tenantId, customerId),
                preferences.ledger(tenantId, customerId),
                suppressions(tenantId, profile),
                messages == null ? List.of() : messages);
    }
}
