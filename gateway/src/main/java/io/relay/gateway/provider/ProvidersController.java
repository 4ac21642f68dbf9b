package io.relay.gateway.provider;

import io.relay.gateway.auth.Admissions;
import io.relay.gateway.edge.Answers;
import io.relay.gateway.tenant.TenantStore;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A tenant's provider accounts, answered by the gateway itself: at {@code /v1/providers} with the tenant's
 * own API key (public port), and at {@code /admin/tenants/{id}/providers} for the operator (operator
 * listener, operator token checked by AdminTokenFilter). Both do the same through {@link ProviderAccounts}.
 */
@RestController
public class ProvidersController {

    private static final String NO_KEY = "a valid API key is required: Authorization: Bearer <key>";

    private final ProviderAccounts accounts;
    private final Admissions admissions;
    private final TenantStore tenants;

    public ProvidersController(ProviderAccounts accounts, Admissions admissions, TenantStore tenants) {
        this.accounts = accounts;
        this.admissions = admissions;
        this.tenants = tenants;
    }

    @GetMapping("/v1/providers")
    public Mono<ResponseEntity<Object>> list(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String key) {
        return asTenant(key, accounts::list);
    }

    @PostMapping("/v1/providers")
    public Mono<ResponseEntity<Object>> create(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String key,
            @RequestBody ProviderAccounts.ProviderRequest body) {
        return asTenant(key, tenant -> accounts.create(tenant, "/v1/providers", body));
    }

    @GetMapping("/v1/providers/{accountId}")
    public Mono<ResponseEntity<Object>> get(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String key,
            @PathVariable String accountId) {
        return asTenant(key, tenant -> accounts.get(tenant, accountId));
    }

    @PatchMapping("/v1/providers/{accountId}")
    public Mono<ResponseEntity<Object>> change(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String key,
            @PathVariable String accountId,
            @RequestBody ProviderAccounts.ProviderRequest body) {
        return asTenant(key, tenant -> accounts.change(tenant, accountId, body));
    }

    @DeleteMapping("/v1/providers/{accountId}")
    public Mono<ResponseEntity<Object>> delete(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String key,
            @PathVariable String accountId) {
        return asTenant(key, tenant -> accounts.delete(tenant, accountId));
    }

    @PutMapping("/v1/providers/channels/{channel}")
    public Mono<ResponseEntity<Object>> channel(
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String key,
            @PathVariable String channel,
            @RequestBody ProviderAccounts.ChannelRequest body) {
        return asTenant(key, tenant -> accounts.channel(tenant, channel, body));
    }

    @GetMapping("/admin/tenants/{tenantId}/providers")
    public Mono<ResponseEntity<Object>> adminList(@PathVariable String tenantId) {
        return forTenant(tenantId, accounts::list);
    }

    @PostMapping("/admin/tenants/{tenantId}/providers")
    public Mono<ResponseEntity<Object>> adminCreate(
            @PathVariable String tenantId, @RequestBody ProviderAccounts.ProviderRequest body) {
        return forTenant(tenantId, tenant -> accounts.create(tenant, "/admin/tenants/" + tenant + "/providers", body));
    }

    @GetMapping("/admin/tenants/{tenantId}/providers/{accountId}")
    public Mono<ResponseEntity<Object>> adminGet(@PathVariable String tenantId, @PathVariable String accountId) {
        return forTenant(tenantId, tenant -> accounts.get(tenant, accountId));
    }

    @PatchMapping("/admin/tenants/{tenantId}/providers/{accountId}")
    public Mono<ResponseEntity<Object>> adminChange(
            @PathVariable String tenantId,
            @PathVariable String accountId,
            @RequestBody ProviderAccounts.ProviderRequest body) {
        return forTenant(tenantId, tenant -> accounts.change(tenant, accountId, body));
    }

    @DeleteMapping("/admin/tenants/{tenantId}/providers/{accountId}")
    public Mono<ResponseEntity<Object>> adminDelete(@PathVariable String tenantId, @PathVariable String accountId) {
        return forTenant(tenantId, tenant -> accounts.delete(tenant, accountId));
    }

    @PutMapping("/admin/tenants/{tenantId}/providers/channels/{channel}")
    public Mono<ResponseEntity<Object>> adminChannel(
            @PathVariable String tenantId,
            @PathVariable String channel,
            @RequestBody ProviderAccounts.ChannelRequest body) {
        return forTenant(tenantId, tenant -> accounts.channel(tenant, channel, body));
    }

    /**
     * A body that is not JSON, or not of the shape asked for ({@code "config": "x"}, {@code "name": []}): 400
     * naming the field where it went wrong, and nothing changed.
     */
    @org.springframework.web.bind.annotation.ExceptionHandler(
            org.springframework.web.server.ServerWebInputException.class)
    public ResponseEntity<Object> unreadable(org.springframework.web.server.ServerWebInputException e) {
        String field = null;
        for (Throwable cause = e; cause != null && field == null; cause = cause.getCause()) {
            if (cause instanceof tools.jackson.core.JacksonException json
                    && !json.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (tools.jackson.core.JacksonException.Reference reference : json.getPath()) {
                    if (reference.getPropertyName() != null) {
                        path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
                    } else if (reference.getIndex() >= 0) {
                        path.append('[').append(reference.getIndex()).append(']');
                    }
                }
                field = path.toString();
            }
        }
        return Answers.invalid(java.util.List.of(new Answers.FieldError(
                field == null || field.isEmpty() ? "body" : field,
                field == null ? "is not a JSON object of the expected shape" : "is not of the expected type")));
    }

    /** The API key's tenant does it: 401 without a valid key, 429 over the tenant's rate. */
    private Mono<ResponseEntity<Object>> asTenant(
            String authorization, Function<String, ResponseEntity<Object>> action) {
        String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : null;
        return Mono.fromCallable(() -> switch (admissions.check(presented)) {
                    case Admissions.Admission.Admitted admitted -> action.apply(admitted.tenantId());
                    case Admissions.Admission.Limited limited ->
                        withHeader(
                                Answers.problem(
                                        HttpStatus.TOO_MANY_REQUESTS,
                                        "rate-limited",
                                        "Too many requests",
                                        "over this tenant's limit of requests per second; retry after a second"),
                                HttpHeaders.RETRY_AFTER,
                                "1");
                    case Admissions.Admission.Unknown unknown ->
                        withHeader(
                                Answers.problem(HttpStatus.UNAUTHORIZED, "unauthenticated", "Unauthenticated", NO_KEY),
                                HttpHeaders.WWW_AUTHENTICATE,
                                "Bearer");
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** The operator does it for a tenant that exists. */
    private Mono<ResponseEntity<Object>> forTenant(String tenantId, Function<String, ResponseEntity<Object>> action) {
        return Mono.fromCallable(() -> tenants.find(tenantId).isPresent()
                        ? action.apply(tenantId)
                        : Answers.notFound("tenant " + tenantId))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static ResponseEntity<Object> withHeader(ResponseEntity<Object> answer, String name, String value) {
        return ResponseEntity.status(answer.getStatusCode())
                .headers(headers -> {
                    headers.addAll(answer.getHeaders());
                    headers.set(name, value);
                })
                .body(answer.getBody());
    }
}
