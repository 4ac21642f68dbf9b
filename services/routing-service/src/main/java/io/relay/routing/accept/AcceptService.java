package io.relay.routing.accept;

import io.relay.contracts.Channel;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.customer.PreferenceClient;
import io.relay.routing.message.MessageRequest;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.route.FirstRoute;
import io.relay.routing.route.Plan;
import io.relay.routing.template.Template;
import io.relay.routing.template.TemplateRenderer;
import io.relay.routing.template.TemplateStore;
import io.relay.routing.timeline.MessageStore;
import io.relay.web.ConflictException;
import io.relay.web.FieldViolation;
import io.relay.web.InvalidRequestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Accepting a message: it is routed and stored already routed, in one statement ({@link FirstRoute}),
 * its dispatch or its hand-off to {@code message.accepted} confirmed by the broker, and only then does
 * the caller hear 202. If the broker confirms neither, the stored message is forgotten and the caller hears 503, so a
 * 202 always means the message is on its way.
 */
@Service
public class AcceptService {

    private static final Logger log = LoggerFactory.getLogger(AcceptService.class);
    static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);
    private static final java.util.regex.Pattern KEY = java.util.regex.Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final MessageStore store;
    private final IdempotencyKeys keys;
    private final TemplateStore templates;
    private final PreferenceClient preferences;
    private final FirstRoute firstRoute;
    private final SmsQuota smsQuota;
    private final TransactionTemplate tx;
    private final Clock clock;
    // map keys sorted, so the same body always hashes the same
    private final JsonMapper canonical = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public AcceptService(
            MessageStore store,
            IdempotencyKeys keys,
            TemplateStore templates,
            PreferenceClient preferences,
            FirstRoute firstRoute,
            SmsQuota smsQuota,
            TransactionTemplate tx,
            Clock clock) {
        this.store = store;
        this.keys = keys;
        this.templates = templates;
        this.preferences = preferences;
        this.firstRoute = firstRoute;
        this.smsQuota = smsQuota;
        this.tx = tx;
        this.clock = clock;
    }

    /** The answer to a POST: the message id, and whether it is the replay of an earlier answer. */
    public record Accepted(String id, boolean replayed) {}

    /**
     * What the tenant's settings give each message, as the gateway passes them: its senders (null: the
     * channel service's default) and the time zone of its customers who have none of their own (null: UTC).
     */
    public record Senders(String smsFrom, String emailFrom, String timeZone) {
        public static final Senders DEFAULT = new Senders(null, null, null);
    }

    /**
     * The tenant's rules for paid sends, as the gateway passes them: the countries it may text ("*": any),
     * the most segments one SMS may take, and a daily quota of SMS-capable messages (null: none).
     */
    public record SmsRules(String countries, int maxSegments, Integer dailyQuota) {
        public static final SmsRules DEFAULT = new SmsRules("*", 10, null);
    }

    public Accepted accept(String tenantId, MessageRequest request, String traceparent, String idempotencyKey) {
        return accept(tenantId, request, traceparent, idempotencyKey, Senders.DEFAULT);
    }

    public Accepted accept(
            String tenantId, MessageRequest request, String traceparent, String idempotencyKey, Senders senders) {
        return accept(tenantId, request, traceparent, idempotencyKey, senders, SmsRules.DEFAULT);
    }

    public Accepted accept(
            String tenantId,
            MessageRequest request,
            String traceparent,
            String idempotencyKey,
            Senders senders,
            SmsRules sms) {
        Instant now = clock.instant();
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw new InvalidRequestException("header Idempotency-Key", "must be 1-255 visible ASCII characters");
        }
        String hash = idempotencyKey == null ? null : hash(request);
        if (idempotencyKey != null) {
            Optional<Accepted> earlier = replay(tenantId, idempotencyKey, hash, now);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        List<FieldViolation> violations = MessageValidator.violations(request, now);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        if (preferences.categoryExists(tenantId, request.category()).equals(Optional.of(false))) {
            // when preference-service cannot say, routing will (and suppress with its reason)
            throw new InvalidRequestException("category", "is not a category of this tenant");
        }
        MessageRequest accepted = request.template() == null ? request : rendered(tenantId, request);
        boolean maySms = accepted.content() != null
                && accepted.content().sms() != null
                && (accepted.channels() == null || accepted.channels().contains(Channel.SMS.wireName()));
        if (maySms) {
            int segments = SmsSegments.count(accepted.content().sms().text());
            if (segments > sms.maxSegments()) {
                throw new InvalidRequestException(
                        "content.sms.text",
                        "takes " + segments + " SMS segments; this tenant may send at most " + sms.maxSegments()
                                + " (153 GSM-7 or 67 UCS-2 characters each, once concatenated)");
            }
            smsQuota.take(tenantId, sms.dailyQuota(), now);
        }
        Integer quota = maySms ? sms.dailyQuota() : null;
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        MDC.put("messageId", id);
        try {
            StoredMessage pending = store.pending(
                    tenantId,
                    id,
                    accepted,
                    new MessageStore.TenantSettings(
                            senders.smsFrom(), senders.emailFrom(), sms.countries(), senders.timeZone()),
                    traceparent,
                    now);
            // routed at its own moment, after the acceptance: its timeline and webhooks order by time
            Instant routedAt = clock.instant();
            Plan plan = firstRoute.plan(pending, routedAt);
            // stored already routed, in one statement: a transaction only to claim a key or hold a cap's lock
            Plan stored = idempotencyKey == null && !FirstRoute.locks(plan)
                    ? firstRoute.store(pending, plan, routedAt)
                    : tx.execute(status -> {
                        if (idempotencyKey != null && !keys.claim(tenantId, idempotencyKey, hash, id, now)) {
                            status.setRollbackOnly();
                            return null;
                        }
                        return firstRoute.store(pending, plan, routedAt);
                    });
            if (stored == null) {
                smsQuota.giveBack(tenantId, quota, now);
                // a concurrent request with the same key won the race: answer as it did
                return replay(tenantId, idempotencyKey, hash, now)
                        .orElseThrow(() -> new ConflictException(
                                "Idempotency-Key " + idempotencyKey + " is in use by a request that did not complete"));
            }
            try {
                firstRoute.send(pending, stored, traceparent, routedAt);
            } catch (ConfirmingPublisher.PublishException e) { // nothing went out
                smsQuota.giveBack(tenantId, quota, now);
                tx.executeWithoutResult(status -> {
                    store.forget(tenantId, id);
                    if (idempotencyKey != null) {
                        keys.release(tenantId, idempotencyKey, id);
                    }
                });
                throw new BrokerUnavailableException(e);
            }
            log.debug("accepted message for customer {} in category {}", request.customerId(), request.category());
            return new Accepted(id, false);
        } finally {
            MDC.remove("messageId");
        }
    }

    /**
     * The template rendered for this customer (their locale, their attributes as customer.*): stored
     * as the message's content, so what is sent is fixed at acceptance. A placeholder without a value
     * is a 400 naming it.
     */
    private MessageRequest rendered(String tenantId, MessageRequest request) {
        Template template = templates
                .find(tenantId, request.template().id())
                .orElseThrow(() -> new InvalidRequestException(
                        "template.id", "no template " + request.template().id()));
        PreferenceClient.Profile profile = preferences
                .profile(tenantId, request.customerId())
                .orElse(new PreferenceClient.Profile(null, Map.of()));
        MessageRequest.Content content;
        try {
            content = TemplateRenderer.render(
                    template, profile.locale(), request.template().data(), profile.attributes());
        } catch (TemplateRenderer.MissingValue e) {
            String field = e.name().startsWith("customer.")
                    ? "customer attribute " + e.name().substring("customer.".length())
                    : "template.data." + e.name();
            throw new InvalidRequestException(field, "has no value, and {{" + e.name() + "}} needs one");
        }
        MessageRequest filled = new MessageRequest(
                request.customerId(),
                request.category(),
                request.priority(),
                request.channels(),
                request.sendAt(),
                request.expiresAt(),
                content,
                request.template(),
                request.appointment());
        List<FieldViolation> violations = MessageValidator.contentViolations(filled);
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
        return filled;
    }

    private Optional<Accepted> replay(String tenantId, String key, String hash, Instant now) {
        return keys.find(tenantId, key, now.minus(IDEMPOTENCY_WINDOW)).map(entry -> {
            if (!entry.requestHash().equals(hash)) {
                throw new ConflictException("Idempotency-Key " + key + " was used with a different body");
            }
            return new Accepted(entry.messageId(), true);
        });
    }

    private String hash(MessageRequest request) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.writeValueAsBytes(request)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The broker did not confirm; nothing was accepted. */
    public static class BrokerUnavailableException extends RuntimeException {
        BrokerUnavailableException(Throwable cause) {
            super("the message broker did not confirm the message; nothing was accepted, try again", cause);
        }
    }
}
