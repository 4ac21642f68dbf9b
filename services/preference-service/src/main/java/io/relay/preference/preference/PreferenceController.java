package io.relay.preference.preference;

import io.relay.web.RequestContextFilter;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** The business acting on the customer's instruction, and the ledger that records it. */
@RestController
public class PreferenceController {

    private final PreferenceService preferences;

    public PreferenceController(PreferenceService preferences) {
        this.preferences = preferences;
    }

    @GetMapping("/v1/customers/{customerId}/preferences")
    public PreferencesView get(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        return preferences.view(tenantId, customerId);
    }

    @PutMapping("/v1/customers/{customerId}/preferences")
    public PreferencesView put(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @RequestHeader(value = RequestContextFilter.KEY_ID, required = false) String keyId,
            @PathVariable String customerId,
            @RequestBody PreferencesRequest request) {
        return preferences.update(tenantId, customerId, request, Origin.business(request.source(), keyId), true);
    }

    @GetMapping("/v1/customers/{customerId}/consents")
    public List<LedgerEntry> consents(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        return preferences.ledger(tenantId, customerId);
    }
}
