package io.relay.sms.send;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.SmsDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeHandler;
import io.relay.resilience.ProviderResilience;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Sends one dispatched SMS, at most once per message: the attempt is recorded before Twilio is
 * called and Twilio's sid after; a redelivery finds the sid and only repeats the event, and an attempt
 * without a sid (a crash in between) is reconciled by asking Twilio before sending again. Calls go
 * through retry (transient errors only), a circuit breaker, a rate limiter and a bulkhead.
 */
@Component
public class SmsDispatchHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(SmsDispatchHandler.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final long RECORD_TTL_SECONDS = Duration.ofDays(7).toSeconds();

    private final TwilioSender twilio;
    private final TwilioProperties properties;
    private final JedisPooled redis;
    private final ConfirmingPublisher publisher;
    private final Clock clock;
    private final String publicBaseUrl;
    private final ProviderResilience resilience;

    public SmsDispatchHandler(
            TwilioSender twilio,
            TwilioProperties properties,
            JedisPooled redis,
            ConfirmingPublisher publisher,
            Clock clock,
            @Value("${relay.public-base-url}") String publicBaseUrl,
            ProviderResilience twilioResilience) {
        this.twilio = twilio;
        this.properties = properties;
        this.redis = redis;
        this.publisher = publisher;
        this.clock = clock;
        this.publicBaseUrl = publicBaseUrl;
        this.resilience = twilioResilience;
    }

    static String sentKey(String tenantId, String messageId) {
        return "sms:" + tenantId + ":sent:" + messageId;
    }

    static String attemptKey(String tenantId, String messageId) {
        return "sms:" + tenantId + ":attempt:" + messageId;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        SmsDispatch sms = (SmsDispatch) envelope.payload();
        String tenantId = envelope.tenantId();
        String sentKey = sentKey(tenantId, sms.messageId());
        String sent = redis.get(sentKey);
        if (sent != null) {
            log.info("already sent, repeating only the delivery event");
            publish(envelope, event(sms, DeliveryEvent.Status.SENT, sent, null, null));
            return;
        }
        if (sms.expiresAt() != null && !clock.instant().isBefore(sms.expiresAt())) {
            publish(
                    envelope,
                    event(
                            sms,
                            DeliveryEvent.Status.EXPIRED,
                            null,
                            "expired",
                            "expiresAt passed before it could be sent"));
            return;
        }
        String from = sms.from() != null ? sms.from() : properties.from();
        if (from == null || from.isBlank()) {
            throw new IllegalStateException("no sender: set TWILIO_FROM (or the tenant's smsFrom)");
        }
        String body = body(sms);
        String attemptKey = attemptKey(tenantId, sms.messageId());
        String earlierAttempt = redis.get(attemptKey);
        if (earlierAttempt != null) {
            // a crash between Twilio's answer and our record: ask Twilio before sending again
            Optional<TwilioSender.Sent> found = guarded(() -> twilio.alreadySent(
                    sms.to(),
                    body,
                    Instant.parse(earlierAttempt).minusSeconds(5).atZone(ZoneOffset.UTC)));
            if (found.isPresent()) {
                record(envelope, sms, found.get());
                return;
            }
        }
        redis.set(attemptKey, clock.instant().toString(), SetParams.setParams().ex(RECORD_TTL_SECONDS));
        try {
            TwilioSender.Sent result = guarded(
                            () -> Optional.of(twilio.send(sms.to(), from, body, statusCallback(tenantId, sms))))
                    .orElseThrow();
            record(envelope, sms, result);
        } catch (TwilioSender.TransientFailure e) {
            if (e.answered()) {
                redis.del(attemptKey); // Twilio said no: nothing to reconcile next time
            }
            throw e;
        } catch (TwilioSender.PermanentFailure e) {
            redis.del(attemptKey);
            log.warn("Twilio refused for good: {}", e.getMessage());
            publish(
                    envelope,
                    event(sms, DeliveryEvent.Status.FAILED, null, Integer.toString(e.code()), e.getMessage()));
            if (e.optedOut() || e.badNumber()) {
                ContactEvent.Kind kind = e.optedOut() ? ContactEvent.Kind.SMS_OPT_OUT : ContactEvent.Kind.PHONE_INVALID;
                ContactEvent contact = new ContactEvent(kind, sms.to(), null, "Twilio " + e.code(), clock.instant());
                publisher.publishAndWait(
                        Topology.EVENTS_EXCHANGE,
                        Topology.contactKey(kind),
                        Envelope.of(
                                "ct_" + sms.messageId(), tenantId, contact, envelope.traceparent(), clock.instant()),
                        CONFIRM_TIMEOUT);
            }
        }
    }

    private void record(Envelope<Object> envelope, SmsDispatch sms, TwilioSender.Sent result) {
        redis.set(
                sentKey(envelope.tenantId(), sms.messageId()),
                result.sid(),
                SetParams.setParams().ex(RECORD_TTL_SECONDS));
        redis.del(attemptKey(envelope.tenantId(), sms.messageId()));
        log.info("accepted by Twilio as {}", result.sid());
        publish(envelope, event(sms, DeliveryEvent.Status.SENT, result.sid(), null, null));
    }

    /** Retry (transient only) around the breaker, the rate limiter and the bulkhead. */
    private <T> T guarded(java.util.function.Supplier<T> call) {
        return resilience.call(call);
    }

    /** The text, plus the reschedule link when the message is about an appointment. */
    private static String body(SmsDispatch sms) {
        if (sms.appointment() != null
                && sms.appointment().rescheduleUrl() != null
                && !sms.text().contains(sms.appointment().rescheduleUrl())) {
            return sms.text() + "\nReschedule: " + sms.appointment().rescheduleUrl();
        }
        return sms.text();
    }

    private String statusCallback(String tenantId, SmsDispatch sms) {
        return publicBaseUrl + "/webhooks/twilio/status?m=" + URLEncoder.encode(sms.messageId(), StandardCharsets.UTF_8)
                + "&t=" + URLEncoder.encode(tenantId, StandardCharsets.UTF_8);
    }

    private DeliveryEvent event(SmsDispatch sms, DeliveryEvent.Status status, String sid, String code, String reason) {
        return new DeliveryEvent(sms.messageId(), "sms", status, sid, code, reason, clock.instant());
    }

    private void publish(Envelope<Object> dispatch, DeliveryEvent event) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey("sms", event.status().wireName()),
                Envelope.of(event.messageId(), dispatch.tenantId(), event, dispatch.traceparent(), event.at()),
                CONFIRM_TIMEOUT);
    }
}
