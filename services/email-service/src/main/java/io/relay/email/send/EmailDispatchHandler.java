package io.relay.email.send;

import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeHandler;
import io.relay.resilience.ProviderResilience;
import jakarta.mail.MessagingException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Sends one dispatched email, at most once per message id: after the SMTP server accepted it, a
 * record in Redis says so before the dispatch is acknowledged, and a redelivered dispatch finds that
 * record and only repeats the delivery event.
 */
@Component
public class EmailDispatchHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(EmailDispatchHandler.class);
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final long SENT_RECORD_TTL_SECONDS = Duration.ofDays(7).toSeconds();

    private final SmtpMailer mailer;
    private final JedisPooled redis;
    private final ConfirmingPublisher publisher;
    private final Clock clock;
    private final Duration sendingLease;
    private final ProviderResilience resilience;

    /**
     * @param sendingLease EMAIL_SENDING_LEASE: longer than one SMTP attempt can take (timeouts
     *     5+10+10 s), shorter than the retries last; after a crash mid-send the message waits this long
     */
    public EmailDispatchHandler(
            SmtpMailer mailer,
            JedisPooled redis,
            ConfirmingPublisher publisher,
            Clock clock,
            ProviderResilience smtpResilience,
            @org.springframework.beans.factory.annotation.Value(
                            "${relay.email.sending-lease:${EMAIL_SENDING_LEASE:45s}}")
                    Duration sendingLease) {
        this.mailer = mailer;
        this.redis = redis;
        this.publisher = publisher;
        this.clock = clock;
        this.sendingLease = sendingLease;
        this.resilience = smtpResilience;
    }

    /** A 4xx answer or connection trouble, carried through Resilience4j (which takes unchecked exceptions). */
    public static final class SmtpTransient extends RuntimeException {
        SmtpTransient(MessagingException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class SmtpRejected extends RuntimeException {
        private final SmtpMailer.RejectedException rejection;

        SmtpRejected(SmtpMailer.RejectedException rejection) {
            super(rejection);
            this.rejection = rejection;
        }
    }

    /** The send through retry (4xx only), circuit breaker, rate limiter and bulkhead. */
    private String guardedSend(String tenantId, EmailDispatch email) throws SmtpMailer.RejectedException {
        try {
            return resilience.call(() -> {
                try {
                    return mailer.send(tenantId, email);
                } catch (SmtpMailer.RejectedException e) {
                    throw new SmtpRejected(e);
                } catch (MessagingException e) {
                    throw new SmtpTransient(e);
                }
            });
        } catch (SmtpRejected e) {
            throw e.rejection;
        }
    }

    static String sentKey(String tenantId, String messageId) {
        return "email:" + tenantId + ":sent:" + messageId;
    }

    @Override
    public void handle(Envelope<Object> envelope) throws MessagingException {
        EmailDispatch email = (EmailDispatch) envelope.payload();
        String key = sentKey(envelope.tenantId(), email.messageId());
        String already = redis.get(key);
        if (already != null) {
            log.info("already sent, repeating only the delivery event");
            String[] record = already.split("\\|", 2);
            publish(envelope, sent(email, record[1], Instant.parse(record[0])));
            return;
        }
        if (email.expiresAt() != null && !clock.instant().isBefore(email.expiresAt())) {
            log.info("expired before it could be sent");
            publish(
                    envelope,
                    new DeliveryEvent(
                            email.messageId(),
                            "email",
                            DeliveryEvent.Status.EXPIRED,
                            null,
                            "expired",
                            "expiresAt " + email.expiresAt() + " passed before the email could be sent",
                            clock.instant()));
            return;
        }
        // one sender at a time per message: a twin dispatch arriving meanwhile waits in the retry queue,
        // then finds the sent record; a crashed holder's lease runs out
        String lease = "email:" + envelope.tenantId() + ":sending:" + email.messageId();
        if (!"OK".equals(redis.set(lease, "1", SetParams.setParams().nx().ex(sendingLease.toSeconds())))) {
            throw new IllegalStateException("another delivery of this message is being sent right now");
        }
        DeliveryEvent outcome;
        try {
            outcome = sendOnce(envelope.tenantId(), email, key);
        } finally {
            redis.del(lease);
        }
        publish(envelope, outcome);
    }

    private DeliveryEvent sendOnce(String tenantId, EmailDispatch email, String key) throws MessagingException {
        DeliveryEvent outcome;
        try {
            String providerId = guardedSend(tenantId, email);
            Instant at = clock.instant();
            redis.set(key, at + "|" + providerId, SetParams.setParams().ex(SENT_RECORD_TTL_SECONDS));
            outcome = sent(email, providerId, at);
            log.info("sent by SMTP");
        } catch (SmtpMailer.RejectedException e) {
            outcome = new DeliveryEvent(
                    email.messageId(),
                    "email",
                    DeliveryEvent.Status.FAILED,
                    null,
                    "smtp-" + e.code(),
                    "the SMTP server refused the message",
                    clock.instant());
            log.warn("refused by SMTP server: {}", e.code());
        }
        return outcome;
    }

    private static DeliveryEvent sent(EmailDispatch email, String providerId, Instant at) {
        return new DeliveryEvent(email.messageId(), "email", DeliveryEvent.Status.SENT, providerId, null, null, at);
    }

    private void publish(Envelope<Object> dispatch, DeliveryEvent event) {
        publisher.publishAndWait(
                Topology.EVENTS_EXCHANGE,
                Topology.deliveryKey("email", event.status().wireName()),
                Envelope.of(event.messageId(), dispatch.tenantId(), event, dispatch.traceparent(), event.at()),
                CONFIRM_TIMEOUT);
    }
}
