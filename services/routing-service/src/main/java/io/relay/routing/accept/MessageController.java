package io.relay.routing.accept;

import io.relay.routing.message.MessageRequest;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.timeline.MessageStore;
import io.relay.routing.timeline.MessageView;
import io.relay.web.ConflictException;
import io.relay.web.NotFoundException;
import io.relay.web.Problems;
import io.relay.web.RequestContextFilter;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/messages}: accept a message, read its status and timeline. */
@RestController
public class MessageController {

    private final AcceptService accept;
    private final MessageStore store;
    private final java.time.Clock clock;
    private final io.relay.routing.webhook.TenantWebhooks webhooks;
    private final AcceptLimit limit;

    public MessageController(
            AcceptService accept,
            MessageStore store,
            java.time.Clock clock,
            io.relay.routing.webhook.TenantWebhooks webhooks,
            AcceptLimit limit) {
        this.webhooks = webhooks;
        this.limit = limit;
        this.accept = accept;
        this.store = store;
        this.clock = clock;
    }

    @PostMapping("/v1/messages")
    public ResponseEntity<Map<String, String>> post(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @RequestHeader(value = "traceparent", required = false) String traceparent,
            @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestHeader(value = "X-Tenant-Sms-From", required = false) String smsFrom,
            @RequestHeader(value = "X-Tenant-Email-From", required = false) String emailFrom,
            @RequestHeader(value = "X-Tenant-Webhook-Url", required = false) String webhookUrl,
            @RequestHeader(value = "X-Tenant-Webhook-Secret", required = false) String webhookSecret,
            @RequestHeader(value = "X-Tenant-Settings-Version", required = false) String settingsVersion,
            @RequestHeader(value = "X-Tenant-Sms-Countries", required = false) String smsCountries,
            @RequestHeader(value = "X-Tenant-Sms-Max-Segments", required = false) Integer smsMaxSegments,
            @RequestHeader(value = "X-Tenant-Sms-Daily-Quota", required = false) Integer smsDailyQuota,
            @RequestHeader(value = "X-Tenant-Time-Zone", required = false) String timeZone,
            @RequestBody MessageRequest request) {
        try (AcceptLimit.Slot slot = limit.enter()) {
            if (webhookUrl != null) { // an empty one: the tenant has no webhook (any more)
                webhooks.remember(tenantId, webhookUrl, webhookSecret, version(settingsVersion), clock.instant());
            }
            AcceptService.SmsRules sms = new AcceptService.SmsRules(
                    smsCountries == null ? AcceptService.SmsRules.DEFAULT.countries() : smsCountries,
                    smsMaxSegments == null ? AcceptService.SmsRules.DEFAULT.maxSegments() : smsMaxSegments,
                    smsDailyQuota);
            AcceptService.Accepted accepted = accept.accept(
                    tenantId,
                    request,
                    traceparent,
                    idempotencyKey,
                    new AcceptService.Senders(smsFrom, emailFrom, timeZone),
                    sms);
            ResponseEntity.BodyBuilder response =
                    ResponseEntity.accepted().location(URI.create("/v1/messages/" + accepted.id()));
            if (accepted.replayed()) {
                response.header("Idempotent-Replayed", "true");
            }
            return response.body(Map.of("id", accepted.id(), "status", "accepted"));
        }
    }

    /** Cancels a message not yet dispatched; 409 once it is. */
    @DeleteMapping("/v1/messages/{id}")
    public MessageView cancel(@RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String id) {
        StoredMessage message = store.find(tenantId, id).orElseThrow(() -> new NotFoundException("message " + id));
        boolean cancelled = store.advanceFrom(
                tenantId,
                id,
                List.of(Status.ACCEPTED, Status.SCHEDULED),
                Status.CANCELLED,
                null,
                List.of(new TimelineEntry(clock.instant(), "cancelled", null, "cancelled by the business")));
        if (!cancelled) {
            throw new ConflictException("message " + id + " is already "
                    + store.find(tenantId, id)
                            .map(m -> m.status().wireName())
                            .orElse(message.status().wireName())
                    + "; only messages not yet dispatched can be cancelled");
        }
        return get(tenantId, id);
    }

    @GetMapping("/v1/messages/{id}")
    public MessageView get(@RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String id) {
        return store.find(tenantId, id)
                .map(m -> MessageView.of(m, store.timeline(tenantId, id)))
                .orElseThrow(() -> new NotFoundException("message " + id));
    }

    @GetMapping("/v1/messages")
    public List<MessageView> list(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @RequestParam String customerId) {
        return store.recentForCustomer(tenantId, customerId, 50).stream()
                .map(m -> MessageView.of(m, store.timeline(tenantId, m.id())))
                .toList();
    }

    @ExceptionHandler(io.relay.routing.customer.PreferenceClient.PreferencesUnavailableException.class)
    ResponseEntity<ProblemDetail> preferencesUnavailable(RuntimeException e) {
        return Problems.of(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "Not accepted",
                "the customer's profile is needed to fill the template and cannot be read right now; try again");
    }

    /** Turned away before anything was stored: the caller may try again in a second. */
    @ExceptionHandler(AcceptLimit.Busy.class)
    ResponseEntity<String> busy(AcceptLimit.Busy e) {
        return limit.answer(); // the same answer AcceptLimit gives before the body is read
    }

    @ExceptionHandler(AcceptService.BrokerUnavailableException.class)
    ResponseEntity<ProblemDetail> brokerUnavailable(AcceptService.BrokerUnavailableException e) {
        return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Not accepted", e.getMessage());
    }

    /** The gateway's count of the tenant's settings changes; 0 from a gateway that sends none. */
    private static long version(String header) {
        try {
            return header == null ? 0 : Math.max(0, Long.parseLong(header.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
