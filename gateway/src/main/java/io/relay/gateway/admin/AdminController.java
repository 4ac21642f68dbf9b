package io.relay.gateway.admin;

import static io.relay.gateway.edge.Answers.invalid;
import static io.relay.gateway.edge.Answers.notFound;

import io.relay.gateway.GatewayProperties;
import io.relay.gateway.edge.Answers.FieldError;
import io.relay.gateway.tenant.TenantStore;
import io.relay.gateway.tenant.WebhookChanges;
import io.relay.security.OutboundTargets;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The operator's API ({@code /admin/**}, operator token checked by {@link AdminTokenFilter}). */
@RestController
public class AdminController {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern MESSAGING_SERVICE = Pattern.compile("MG[0-9a-fA-F]{32}");
    private static final Pattern EMAIL_FROM =
            Pattern.compile("([^<>\\r\\n]{0,100} <)?[^@\\s<>\"]{1,64}@[^@\\s<>\"]+\\.[^@\\s<>\"]{2,}>?");

    private final TenantStore tenants;
    private final WebhookChanges webhookChanges;

    private final OutboundTargets webhookTargets;

    public AdminController(TenantStore tenants, WebhookChanges webhookChanges, GatewayProperties settings) {
        this.tenants = tenants;
        this.webhookChanges = webhookChanges;
        this.webhookTargets = new OutboundTargets(settings.gateway().webhookAllowedHosts());
    }

    public record NewTenant(String name) {}

    public record TenantSettings(
            String smsFrom,
            String emailFrom,
            String webhookUrl,
            Integer rateLimit,
            List<String> smsCountries,
            Integer smsMaxSegments,
            Integer smsDailyQuota,
            String timeZone) {}

    private static final java.util.Set<String> COUNTRIES = java.util.Set.of(java.util.Locale.getISOCountries());

    @PostMapping("/admin/tenants")
    public Mono<ResponseEntity<Object>> create(@RequestBody NewTenant body) {
        if (body.name() == null || body.name().isBlank() || body.name().length() > 100) {
            return Mono.just(invalid(List.of(new FieldError("name", "is required, at most 100 characters"))));
        }
        return blocking(() -> {
            TenantStore.Tenant tenant = tenants.create(body.name().strip());
            TenantStore.IssuedKey key = tenants.issueKey(tenant.tenantId());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("tenantId", tenant.tenantId());
            answer.put("name", tenant.name());
            answer.put("apiKey", key.apiKey());
            answer.put("keyId", key.keyId());
            return ResponseEntity.created(URI.create("/admin/tenants/" + tenant.tenantId()))
                    .body(answer);
        });
    }

    @GetMapping("/admin/tenants/{tenantId}")
    public Mono<ResponseEntity<Object>> get(@PathVariable String tenantId) {
        return blocking(() -> tenants.find(tenantId)
                .<ResponseEntity<Object>>map(t -> ResponseEntity.ok(Map.of(
                        "tenantId",
                        t.tenantId(),
                        "name",
                        t.name(),
                        "settings",
                        withoutSecret(t.settings()),
                        "keyIds",
                        tenants.keyIds(tenantId))))
                .orElseGet(() -> notFound("tenant " + tenantId)));
    }

    @PostMapping("/admin/tenants/{tenantId}/api-keys")
    public Mono<ResponseEntity<Object>> issueKey(@PathVariable String tenantId) {
        return blocking(() -> {
            if (tenants.find(tenantId).isEmpty()) {
                return notFound("tenant " + tenantId);
            }
            TenantStore.IssuedKey key = tenants.issueKey(tenantId);
            return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("keyId", key.keyId(), "apiKey", key.apiKey()));
        });
    }

    @DeleteMapping("/admin/tenants/{tenantId}/api-keys/{keyId}")
    public Mono<ResponseEntity<Object>> revoke(@PathVariable String tenantId, @PathVariable String keyId) {
        return blocking(() -> tenants.revoke(tenantId, keyId)
                ? ResponseEntity.noContent().build()
                : notFound("key " + keyId + " of tenant " + tenantId));
    }

    @PatchMapping("/admin/tenants/{tenantId}")
    public Mono<ResponseEntity<Object>> settings(@PathVariable String tenantId, @RequestBody TenantSettings body) {
        List<FieldError> errors = new ArrayList<>();
        if (body.smsFrom() != null
                && !E164.matcher(body.smsFrom()).matches()
                && !MESSAGING_SERVICE.matcher(body.smsFrom()).matches()) {
            errors.add(new FieldError("smsFrom", "must be an E.164 number or a Messaging Service SID (MG…)"));
        }
        if (body.emailFrom() != null && !EMAIL_FROM.matcher(body.emailFrom()).matches()) {
            errors.add(new FieldError("emailFrom", "must be an address, e.g. Acme <no-reply@acme.example>"));
        }
        if (body.webhookUrl() != null && !body.webhookUrl().isEmpty()) {
            // https to a public address only (checked again at every send, address by address)
            webhookTargets
                    .refusal(body.webhookUrl())
                    .ifPresent(
                            why -> errors.add(new FieldError("webhookUrl", why + ", or \"\" to stop status webhooks")));
        }
        if (body.rateLimit() != null && (body.rateLimit() < 1 || body.rateLimit() > 100_000)) {
            errors.add(new FieldError("rateLimit", "must be 1-100000 requests per second"));
        }
        if (body.smsCountries() != null
                && !body.smsCountries().equals(List.of("*"))
                && !body.smsCountries().stream().allMatch(c -> c != null && COUNTRIES.contains(c))) {
            errors.add(new FieldError(
                    "smsCountries",
                    "must be ISO 3166 country codes (e.g. [\"NL\",\"BE\"]), [\"*\"] for any, or [] for the default"));
        }
        if (body.smsMaxSegments() != null && (body.smsMaxSegments() < 1 || body.smsMaxSegments() > 50)) {
            errors.add(new FieldError("smsMaxSegments", "must be 1-50 segments"));
        }
        if (body.smsDailyQuota() != null && (body.smsDailyQuota() < 0 || body.smsDailyQuota() > 10_000_000)) {
            errors.add(new FieldError("smsDailyQuota", "must be 0-10000000 messages a day, or null for no quota"));
        }
        if (body.timeZone() != null
                && !body.timeZone().isEmpty()
                && !java.time.ZoneId.getAvailableZoneIds().contains(body.timeZone())) {
            errors.add(new FieldError(
                    "timeZone", "must be an IANA time zone id (e.g. Europe/Amsterdam, UTC), or \"\" for UTC"));
        }
        if (!errors.isEmpty()) {
            return Mono.just(invalid(errors));
        }
        return blocking(() -> {
            if (tenants.find(tenantId).isEmpty()) {
                return notFound("tenant " + tenantId);
            }
            Map<String, String> changes = new LinkedHashMap<>();
            if (body.smsFrom() != null) {
                changes.put("smsFrom", body.smsFrom());
            }
            if (body.emailFrom() != null) {
                changes.put("emailFrom", body.emailFrom());
            }
            String newSecret = null;
            if (body.webhookUrl() != null && body.webhookUrl().isEmpty()) {
                // no more status webhooks; the secret stays, so a URL set later verifies as before
                changes.put("webhookUrl", null);
            } else if (body.webhookUrl() != null) {
                changes.put("webhookUrl", body.webhookUrl());
                if (!tenants.find(tenantId).orElseThrow().settings().containsKey("webhookSecret")) {
                    newSecret = tenants.newWebhookSecret();
                    changes.put("webhookSecret", newSecret);
                }
            }
            if (body.rateLimit() != null) {
                changes.put("rateLimit", body.rateLimit().toString());
            }
            if (body.smsCountries() != null) {
                // [] goes back to the operator's SMS_DEFAULT_COUNTRIES
                changes.put(
                        "smsCountries", body.smsCountries().isEmpty() ? null : String.join(",", body.smsCountries()));
            }
            if (body.smsMaxSegments() != null) {
                changes.put("smsMaxSegments", body.smsMaxSegments().toString());
            }
            if (body.smsDailyQuota() != null) {
                changes.put("smsDailyQuota", body.smsDailyQuota().toString());
            }
            if (body.timeZone() != null) {
                // the zone for this tenant's customers who have none of their own; "" back to UTC
                changes.put("timeZone", body.timeZone().isEmpty() ? null : body.timeZone());
            }
            tenants.updateSettings(tenantId, changes);
            TenantStore.Tenant updated = tenants.find(tenantId).orElseThrow();
            if (body.webhookUrl() != null) {
                // messages routing already holds post their next status change to the new URL (or stop)
                webhookChanges.tell(updated);
            }
            Map<String, Object> answer = new LinkedHashMap<>(updated.settings());
            answer.remove("webhookSecret");
            if (newSecret != null) {
                answer.put("webhookSecret", newSecret); // shown once: the business verifies X-Signature with it
            }
            return ResponseEntity.ok(answer);
        });
    }

    private static Map<String, String> withoutSecret(Map<String, String> settings) {
        Map<String, String> shown = new LinkedHashMap<>(settings);
        shown.remove("webhookSecret");
        return shown;
    }

    private static Mono<ResponseEntity<Object>> blocking(Callable<ResponseEntity<Object>> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }
}
