package io.relay.gateway.internal;

import io.relay.gateway.tenant.TenantStore;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * For sms-service, on the operator listener only: which tenants an inbound SMS to a sender concerns (a
 * STOP to it opts the customer out with each of them). The map comes from the tenants' configured
 * senders in PostgreSQL; the caller proves itself with the internal token.
 */
@RestController
public class SmsSendersController {

    private final TenantStore tenants;
    private final InternalProof internal;

    SmsSendersController(TenantStore tenants, InternalProof internal) {
        this.tenants = tenants;
        this.internal = internal;
    }

    /**
     * {@code sender}: the numbers or Messaging Service SIDs the SMS arrived at; {@code platform}: whether
     * one of them is the platform's own sender, which every tenant without one of its own sends from.
     */
    @GetMapping("/internal/sms-senders")
    public Mono<ResponseEntity<Object>> tenants(
            @RequestParam("sender") List<String> senders,
            @RequestParam(value = "platform", defaultValue = "false") boolean platform,
            @RequestHeader(value = "X-Internal-Token", required = false) String proof) {
        return internal.answer(
                proof, () -> ResponseEntity.ok(Map.of("tenants", tenants.tenantsSendingFrom(senders, platform))));
    }
}
