package io.relay.preference.customer;

import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import java.time.Clock;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code PUT/GET /v1/customers/{customerId}}; the tenant comes from the gateway's header. */
@RestController
public class CustomerController {

    private final CustomerStore store;
    private final Clock clock;

    public CustomerController(CustomerStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @PutMapping("/v1/customers/{customerId}")
    public ResponseEntity<Customer> put(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String customerId,
            @RequestBody CustomerProfile profile) {
        List<FieldViolation> violations = CustomerValidator.violations(customerId, profile);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        boolean created = store.upsert(tenantId, customerId, profile, clock.instant());
        Customer customer = store.find(tenantId, customerId).orElseThrow();
        return ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                .body(customer);
    }

    @GetMapping("/v1/customers/{customerId}")
    public Customer get(@RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        return store.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
    }
}
