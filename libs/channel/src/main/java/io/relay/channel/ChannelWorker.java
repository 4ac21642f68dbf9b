package io.relay.channel;

import io.relay.contracts.Envelope;
import io.relay.contracts.Suppressions;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.EnvelopeHandler;
import io.relay.resilience.ProviderResilience;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * Sends one dispatch of any channel, at most once per recipient, written once for all of them:
 *
 * <ol>
 *   <li>a recipient with a <b>sent record</b> in Redis is not sent again; when all have one, only the
 *       {@code sent} event is repeated (a redelivered dispatch);
 *   <li>a dispatch past its {@code expiresAt} is not sent: {@code expired};
 *   <li>an <b>attempt record</b> is written before the provider is called and removed once it answered.
 *       A second dispatch finding one either asks the provider what it already took (where the
 *       provider can be asked: a crash between its answer and our record) or, while the attempt is
 *       younger than the sending lease, waits in the retry queue (a twin being sent right now);
 *   <li>the call goes through the provider's retry, circuit breaker, rate limiter and bulkhead;
 *   <li>what the provider said becomes the {@code sent} or {@code failed} event, and a refusal that
 *       says something about the address also a contact event. Trouble is thrown: the dispatch goes
 *       through its retry queue.
 * </ol>
 */
public final class ChannelWorker<D extends io.relay.contracts.payload.Dispatch> implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(ChannelWorker.class);

    private final Delivery<D> delivery;
    private final ChannelEvents events;
    private final JedisPooled redis;
    private final ProviderResilience resilience;
    private final Clock clock;
    private final Duration sendingLease;
    private final Duration recordTtl;
    private final Duration maxAge;
    private final io.micrometer.core.instrument.Counter misconfiguredCount;

    /**
     * @param sendingLease how long an unfinished attempt keeps a twin waiting: longer than one provider
     *     call can take, shorter than the retries last
     * @param recordTtl how long sent and attempt records are kept: longer than any redelivery
     * @param maxAge how long after its dispatch a message is still tried: then it fails (DELIVERY_MAX_AGE)
     */
    public ChannelWorker(
            Delivery<D> delivery,
            ChannelEvents events,
            JedisPooled redis,
            ProviderResilience resilience,
            Clock clock,
            Duration sendingLease,
            Duration recordTtl,
            Duration maxAge,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.delivery = delivery;
        this.events = events;
        this.redis = redis;
        this.resilience = resilience;
        this.clock = clock;
        this.sendingLease = sendingLease;
        this.recordTtl = recordTtl;
        this.maxAge = maxAge;
        this.misconfiguredCount = io.micrometer.core.instrument.Counter.builder("relay.provider.misconfigured")
                .description("Provider calls refused because of our own account or credentials")
                .tag("provider", delivery.provider())
                .register(meters);
    }

    /** {@code <channel>:<tenant>:<kind>:<message>}, and {@code :<fingerprint>} per recipient. */
    String key(String kind, String tenantId, D dispatch, String recipient) {
        String key = delivery.channel().wireName() + ":" + tenantId + ":" + kind + ":" + dispatch.messageId();
        return delivery.perRecipient() ? key + ":" + fingerprint(recipient) : key;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        D dispatch = delivery.dispatchType().cast(envelope.payload());
        String tenantId = envelope.tenantId();
        Map<String, SentRecord> sent = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>();
        for (String recipient : delivery.recipients(dispatch)) {
            SentRecord.parse(redis.get(key("sent", tenantId, dispatch, recipient)), clock.instant())
                    .ifPresentOrElse(record -> sent.put(recipient, record), () -> pending.add(recipient));
        }
        if (pending.isEmpty() && !sent.isEmpty()) {
            log.info("already sent, repeating only the delivery event");
            announceSent(envelope, dispatch, sent);
            return;
        }
        Instant expiresAt = dispatch.expiresAt();
        if (expiresAt != null && !clock.instant().isBefore(expiresAt)) {
            if (sent.isEmpty()) {
                log.info("expired before it could be sent");
                events.publish(
                        tenantId,
                        envelope.traceparent(),
                        events.delivery(
                                dispatch.messageId(),
                                DeliveryEvent.Status.EXPIRED,
                                null,
                                "expired",
                                "expiresAt " + expiresAt + " passed before it could be sent"));
            } else {
                announceSent(envelope, dispatch, sent);
            }
            return;
        }
        List<ProviderRefused> refusals = new ArrayList<>();
        ProviderRefused gaveUp = null;
        Instant giveUpAt = envelope.createdAt().plus(maxAge);
        String customer = dispatch.customerId();
        boolean erased = customer != null && redis.exists(Suppressions.erasedKey(tenantId, customer));
        for (String recipient : pending) {
            if (erased) {
                log.info("the customer was erased since this was dispatched: not sent");
                refusals.add(new ProviderRefused("erased", "the customer was erased"));
                continue;
            }
            if (redis.exists(Suppressions.redisKey(tenantId, delivery.channel().wireName(), recipient))
                    || (delivery.marketing(dispatch)
                            && redis.exists(Suppressions.redisKey(
                                    tenantId, delivery.channel().wireName(), recipient, true)))) {
                // a STOP, a bounce or a dead token since this was dispatched: checked right before the provider
                log.info("the address is on the suppression list: not sent");
                refusals.add(new ProviderRefused("suppressed", "the address is on the suppression list"));
                continue;
            }
            try {
                sent.put(recipient, sendOnce(tenantId, dispatch, recipient));
            } catch (ProviderRefused refused) {
                log.warn("{} refused for good ({}): {}", providerTitle(), refused.code(), refused.reason());
                refusals.add(refused);
                announceContact(envelope, dispatch, recipient, refused);
            } catch (RuntimeException trouble) {
                if (trouble instanceof ProviderMisconfigured || clock.instant().isBefore(giveUpAt)) {
                    throw trouble; // the retry queue, again
                }
                // tried for the whole budget: the message ends here, and routing falls back where it may
                log.warn(
                        "{} could not take it within {} of its dispatch: {}",
                        providerTitle(),
                        maxAge,
                        trouble.toString());
                gaveUp = new ProviderRefused(
                        "undeliverable",
                        providerTitle() + " could not take it within " + maxAge + " of its dispatch ("
                                + trouble.getMessage() + ")");
            }
        }
        if (!sent.isEmpty()) {
            announceSent(envelope, dispatch, sent);
        } else {
            ProviderRefused failure = gaveUp != null ? gaveUp : delivery.whenAllRefused(dispatch, refusals);
            events.publish(
                    tenantId,
                    envelope.traceparent(),
                    events.delivery(
                            dispatch.messageId(), DeliveryEvent.Status.FAILED, null, failure.code(), failure.reason()));
        }
    }

    private SentRecord sendOnce(String tenantId, D dispatch, String recipient) {
        String attemptKey = key("attempt", tenantId, dispatch, recipient);
        Instant now = clock.instant();
        SetParams keep = SetParams.setParams().ex(recordTtl.toSeconds());
        if (!"OK"
                .equals(redis.set(
                        attemptKey, now.toString(), SetParams.setParams().nx().ex(recordTtl.toSeconds())))) {
            String earlier = redis.get(attemptKey);
            Instant earlierAt = earlier == null ? now : Instant.parse(earlier);
            if (delivery.reconciles()) {
                // a crash between the provider's answer and our record: ask before sending again
                Optional<String> taken = resilience.call(
                        () -> delivery.alreadyTaken(tenantId, dispatch, recipient, earlierAt.minusSeconds(5)));
                if (taken.isPresent()) {
                    return record(tenantId, dispatch, recipient, taken.get());
                }
            } else if (now.isBefore(earlierAt.plus(sendingLease))) {
                throw new IllegalStateException("another delivery of this message is being sent right now");
            }
            redis.set(attemptKey, now.toString(), keep);
        }
        try {
            String providerId = resilience.call(() -> delivery.send(tenantId, dispatch, recipient, clock.instant()));
            log.debug("accepted by {} as {}", delivery.provider(), providerId);
            return record(tenantId, dispatch, recipient, providerId);
        } catch (RuntimeException e) {
            if (e instanceof ProviderMisconfigured misconfigured) {
                log.error(
                        "{} refuses our account ({}): {}; the message waits until the account works again",
                        providerTitle(),
                        misconfigured.code(),
                        misconfigured.getMessage());
                misconfiguredCount.increment();
            }
            if (!(e instanceof ProviderTrouble trouble && trouble.mayHaveTaken())) {
                redis.del(attemptKey); // the provider did not take it: nothing to reconcile next time
            }
            throw e;
        }
    }

    private SentRecord record(String tenantId, D dispatch, String recipient, String providerId) {
        SentRecord record = new SentRecord(clock.instant(), providerId);
        redis.set(
                key("sent", tenantId, dispatch, recipient),
                record.toString(),
                SetParams.setParams().ex(recordTtl.toSeconds()));
        redis.del(key("attempt", tenantId, dispatch, recipient));
        return record;
    }

    private void announceSent(Envelope<Object> envelope, D dispatch, Map<String, SentRecord> sent) {
        SentRecord first = sent.values().iterator().next();
        DeliveryEvent event = new DeliveryEvent(
                dispatch.messageId(),
                delivery.channel().wireName(),
                DeliveryEvent.Status.SENT,
                first.providerId(),
                null,
                null,
                first.at());
        events.publish(envelope.tenantId(), envelope.traceparent(), event);
    }

    private void announceContact(Envelope<Object> envelope, D dispatch, String recipient, ProviderRefused refused) {
        if (refused.contactEffect() == null) {
            return;
        }
        String id = "ct_" + dispatch.messageId() + (delivery.perRecipient() ? "_" + fingerprint(recipient) : "");
        events.publish(
                id,
                envelope.tenantId(),
                envelope.traceparent(),
                new ContactEvent(refused.contactEffect(), recipient, null, refused.reason(), clock.instant()));
    }

    /** The provider's name at the start of a log line: "Twilio refused for good". */
    private String providerTitle() {
        String name = delivery.provider();
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** A recipient's stable short name for keys: tokens are long and secret-ish. */
    static String fingerprint(String recipient) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(recipient.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code <at>|<provider id>}: when the provider took it, and its id for it. */
    record SentRecord(Instant at, String providerId) {
        /** A record written before the time was kept in it counts as taken {@code now}. */
        static Optional<SentRecord> parse(String stored, Instant now) {
            if (stored == null) {
                return Optional.empty();
            }
            String[] parts = stored.split("\\|", 2);
            return Optional.of(
                    parts.length == 2
                            ? new SentRecord(Instant.parse(parts[0]), parts[1])
                            : new SentRecord(now, stored));
        }

        @Override
        public String toString() {
            return at + "|" + providerId;
        }
    }
}
