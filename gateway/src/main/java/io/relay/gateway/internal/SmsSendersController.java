package io.relay.gateway.internal;

import io.relay.gateway.GatewayProperties;
import io.relay.gateway.tenant.TenantStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * For sms-service, on the operator listener only: which tenants an inbound SMS to a sender concerns (a
 * STOP to it opts the customer out with each of them). The map comes from the tenants' configured
 * senders in PostgreSQL; the caller proves itself with the internal token.
 */
@RestController
public class SmsSendersController {

    private final TenantStore tenants;
    private final byte[] internalToken;

    public SmsSendersController(TenantStore tenants, GatewayProperties settings) {
        String internalToken = settings.internalToken();
        this.tenants = tenants;
        this.internalToken = internalToken.getBytes(StandardCharsets.UTF_8);
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
        if (proof == null || !MessageDigest.isEqual(internalToken, proof.getBytes(StandardCharsets.UTF_8))) {
            return Mono.just(ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Map.of(
                            "type", "https://relay.example/problems/unauthenticated",
                            "title", "Unauthenticated",
                            "status", 401,
                            "detail", "X-Internal-Token is required")));
        }
        return Mono.fromCallable(() ->
                        ResponseEntity.<Object>ok(Map.of("tenants", tenants.tenantsSendingFrom(senders, platform))))
                .subscribeOn(Schedulers.boundedElastic());
    }
}
