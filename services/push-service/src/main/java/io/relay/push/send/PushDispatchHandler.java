package io.relay.push.send;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.PushDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeHandler;
import io.relay.resilience.ProviderResilience;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Sends one dispatched push to each of the customer's tokens, at most once per token: a token's
 * success is recorded before the dispatch is acknowledged, so a redelivery skips it. A dead token is
 * reported to preference-service (removed there); the message counts as sent if any token took it.
 */
@Component
public class PushDispatchHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(PushDispatchHandler.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final long RECORD_TTL_SECONDS = Duration.ofDays(7).toSeconds();

    private final FcmSender fcm;
    private final JedisPooled redis;
    private final ConfirmingPublisher publisher;
    private final Clock clock;
    private final ProviderResilience resilience;

    public PushDispatchHandler(
            FcmSender fcm,
            JedisPooled redis,
            ConfirmingPublisher publisher,
            Clock clock,
            ProviderResilience fcmResilience) {
        this.fcm = fcm;
        this.redis = redis;
        this.publisher = publisher;
        this.clock = clock;
        this.resilience = fcmResilience;
    }

    static String sentKey(String tenantId, String messageId, String token) {
        return "push:" + tenantId + ":sent:" + messageId + ":" + fingerprint(token);
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        PushDispatch push = (PushDispatch) envelope.payload();
        String tenantId = envelope.tenantId();
        if (push.expiresAt() != null && !clock.instant().isBefore(push.expiresAt())) {
            publish(
                    envelope,
                    event(
                            push,
                            DeliveryEvent.Status.EXPIRED,
                            null,
                            "expired",
                            "expiresAt passed before it could be sent"));
            return;
        }
        Map<String, String> sent = new LinkedHashMap<>();
        int dead = 0;
        for (String token : push.tokens()) {
            String key = sentKey(tenantId, push.messageId(), token);
            String already = redis.get(key);
            if (already != null) {
                sent.put(token, already);
                continue;
            }
            try {
                FcmSender.Sent result = guarded(() ->
                        fcm.send(token, push.title(), push.body(), data(push), push.expiresAt(), clock.instant()));
                redis.set(key, result.name(), SetParams.setParams().ex(RECORD_TTL_SECONDS));
                sent.put(token, result.name());
            } catch (FcmSender.DeadToken e) {
                dead++;
                log.info("token ending …{} is dead: {}", tail(token), e.getMessage());
                ContactEvent contact = new ContactEvent(
                        ContactEvent.Kind.PUSH_TOKEN_INVALID, token, null, e.getMessage(), clock.instant());
                publisher.publishAndWait(
                        Topology.EVENTS_EXCHANGE,
                        Topology.contactKey(ContactEvent.Kind.PUSH_TOKEN_INVALID),
                        Envelope.of(
                                "ct_" + push.messageId() + "_" + fingerprint(token),
                                tenantId,
                                contact,
                                envelope.traceparent(),
                                clock.instant()),
                        CONFIRM_TIMEOUT);
            }
        }
        if (!sent.isEmpty()) {
            publish(
                    envelope,
                    event(
                            push,
                            DeliveryEvent.Status.SENT,
                            sent.values().iterator().next(),
                            null,
                            null));
        } else {
            publish(
                    envelope,
                    event(
                            push,
                            DeliveryEvent.Status.FAILED,
                            null,
                            "UNREGISTERED",
                            dead + " push token(s), none valid"));
        }
    }

    /** The message's data, plus the reschedule link when it is about an appointment. */
    private static Map<String, String> data(PushDispatch push) {
        Map<String, String> data = new LinkedHashMap<>(push.data() == null ? Map.of() : push.data());
        if (push.appointment() != null && push.appointment().rescheduleUrl() != null) {
            data.putIfAbsent("rescheduleUrl", push.appointment().rescheduleUrl());
        }
        data.put("messageId", push.messageId());
        return data;
    }

    private <T> T guarded(java.util.function.Supplier<T> call) {
        return resilience.call(call);
    }

    private DeliveryEvent event(
            PushDispatch push, DeliveryEvent.Status status, String name, String code, String reason) {
        return new DeliveryEvent(push.messageId(), "push", status, name, code, reason, clock.instant());
    }

    private void publish(Envelope<Object> dispatch, DeliveryEvent event) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey("push", event.status().wireName()),
                Envelope.of(event.messageId(), dispatch.tenantId(), event, dispatch.traceparent(), event.at()),
                CONFIRM_TIMEOUT);
    }

    private static String tail(String token) {
        return token.length() > 6 ? token.substring(token.length() - 6) : token;
    }

    static String fingerprint(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
