package io.relay.preference.resolve;

import io.relay.web.RequestContextFilter;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Internal read API for routing-service: one call, everything needed to decide. Not routed by the
 * gateway.
 */
@RestController
public class ResolveController {

    private final ResolveService resolver;

    public ResolveController(ResolveService resolver) {
        this.resolver = resolver;
    }

    @GetMapping(value = "/internal/v1/customers/{customerId}/resolved", produces = MediaType.APPLICATION_JSON_VALUE)
    public String resolved(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String customerId,
            @RequestParam String category) {
        return resolver.resolveJson(tenantId, customerId, category);
    }
}
