package io.relay.preference.preference;

import io.relay.preference.customer.Customer;
import io.relay.preference.customer.CustomerStore;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/customers/{customerId}}: the profile with the customer's current preferences. */
@RestController
public class CustomerViewController {

    private final CustomerStore store;
    private final PreferenceService preferences;

    public CustomerViewController(CustomerStore store, PreferenceService preferences) {
        this.store = store;
        this.preferences = preferences;
    }

    @GetMapping("/v1/customers/{customerId}")
    public CustomerView get(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        Customer customer =
                store.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        return CustomerView.of(customer, preferences.view(tenantId, customerId));
    }
}
