package io.relay.preference.customer;

import io.relay.preference.change.Changes;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.RequestContextFilter;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code PUT/DELETE /v1/customers/{customerId}}; the tenant comes from the gateway's header. The GET,
 * the profile with its preferences, is preference/CustomerViewController.
 */
@RestController
public class CustomerController {

    private final CustomerStore store;
    private final ErasureService erasure;
    private final Changes changes;
    private final Clock clock;

    public CustomerController(CustomerStore store, ErasureService erasure, Changes changes, Clock clock) {
        this.store = store;
        this.erasure = erasure;
        this.changes = changes;
        this.clock = clock;
    }

    @PutMapping("/v1/customers/{customerId}")
    public ResponseEntity<Customer> put(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String customerId,
            @RequestHeader(value = "X-Tenant-Sms-Countries", required = false) String smsCountries,
            @RequestBody CustomerProfile profile) {
        List<FieldViolation> violations = CustomerValidator.violations(customerId, profile, smsCountries);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        boolean created = store.upsert(tenantId, customerId, profile, clock.instant());
        changes.customer(tenantId, customerId);
        Customer customer = store.find(tenantId, customerId).orElseThrow();
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(customer);
    }

    @DeleteMapping("/v1/customers/{customerId}")
    public ResponseEntity<Void> delete(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        erasure.erase(tenantId, customerId);
        return ResponseEntity.noContent().build();
    }
}
