package io.relay.channel;

import io.relay.contracts.Envelope;
import io.relay.contracts.Suppressions;
import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.messaging.EnvelopeHandler;
import io.relay.resilience.ProviderResilience;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Response;

/**
 * Sends one dispatch of any channel, at most once per recipient, written once for all of them:
 *
 * <ol>
 *   <li>a recipient with a <b>sent record</b> in Redis is not sent again; when all have one, only the
 *       {@code sent} event is repeated (a redelivered dispatch);
 *   <li>a dispatch past its {@code expiresAt} is not sent: {@code expired};
 *   <li>each recipient is sent through the tenant's provider accounts in order, with an attempt record
 *       and failover ({@link ProviderAttempts});
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
    private final ProviderAttempts<D> attempts;
    private final Clock clock;
    private final Duration maxAge;

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
            Function<String, ProviderResilience> resilience,
            Clock clock,
            Duration sendingLease,
            Duration recordTtl,
            Duration maxAge,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.delivery = delivery;
        this.events = events;
        this.redis = redis;
        this.attempts = new ProviderAttempts<>(delivery, redis, resilience, clock, sendingLease, recordTtl, meters);
        this.clock = clock;
        this.maxAge = maxAge;
    }

    /** {@code <channel>:<tenant>:<kind>:<message>}, and {@code :<fingerprint>} per recipient. */
    String key(String kind, String tenantId, D dispatch, String recipient) {
        return attempts.key(kind, tenantId, dispatch, recipient);
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        D dispatch = delivery.dispatchType().cast(envelope.payload());
        String tenantId = envelope.tenantId();
        Map<String, ProviderAttempts.SentRecord> sent = new LinkedHashMap<>();
        List<String> failovers = new ArrayList<>();
        List<String> pending = new ArrayList<>();
        Checks checks = check(tenantId, dispatch);
        checks.sentRecords()
                .forEach((recipient, stored) -> ProviderAttempts.SentRecord.parse(stored.get(), clock.instant())
                        .ifPresentOrElse(record -> sent.put(recipient, record), () -> pending.add(recipient)));
        if (pending.isEmpty() && !sent.isEmpty()) {
            log.info("already sent, repeating only the delivery event");
            announceSent(envelope, dispatch, sent, failovers);
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
                announceSent(envelope, dispatch, sent, failovers);
            }
            return;
        }
        List<ProviderRefused> refusals = new ArrayList<>();
        ProviderRefused gaveUp = null;
        Instant giveUpAt = envelope.createdAt().plus(maxAge);
        for (String recipient : pending) {
            if (checks.erased()) {
                log.info("the customer was erased since this was dispatched: not sent");
                refusals.add(new ProviderRefused("erased", "the customer was erased"));
                continue;
            }
            if (checks.suppressed(recipient)) {
                // a STOP, a bounce or a dead token since this was dispatched: checked right before the provider
                log.info("the address is on the suppression list: not sent");
                refusals.add(new ProviderRefused("suppressed", "the address is on the suppression list"));
                continue;
            }
            try {
                sent.put(recipient, attempts.send(tenantId, dispatch, recipient, failovers));
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
            announceSent(envelope, dispatch, sent, failovers);
        } else {
            ProviderRefused failure = gaveUp != null ? gaveUp : delivery.whenAllRefused(dispatch, refusals);
            events.publish(
                    tenantId,
                    envelope.traceparent(),
                    events.delivery(
                            dispatch.messageId(), DeliveryEvent.Status.FAILED, null, failure.code(), failure.reason()));
        }
    }

    /**
     * What Redis says of this dispatch's recipients, read in one round trip right before any provider
     * is called: each recipient's sent record, whether the customer was erased since the dispatch, and
     * which recipients are on the suppression list (a STOP, a bounce, a dead token; for marketing also
     * the marketing-only list).
     */
    private record Checks(
            Map<String, Response<String>> sentRecords,
            Map<String, List<Response<Boolean>>> lists,
            Response<Boolean> erasedMark) {

        boolean erased() {
            return erasedMark != null && erasedMark.get();
        }

        boolean suppressed(String recipient) {
            return lists.get(recipient).stream().anyMatch(Response::get);
        }
    }

    private Checks check(String tenantId, D dispatch) {
        String channel = delivery.channel().wireName();
        boolean marketing = delivery.marketing(dispatch);
        String customer = dispatch.customerId();
        Map<String, Response<String>> sentRecords = new LinkedHashMap<>();
        Map<String, List<Response<Boolean>>> lists = new HashMap<>();
        try (var pipeline = redis.pipelined()) {
            for (String recipient : delivery.recipients(dispatch)) {
                sentRecords.put(recipient, pipeline.get(key("sent", tenantId, dispatch, recipient)));
                List<Response<Boolean>> listed = new ArrayList<>(2);
                listed.add(pipeline.exists(Suppressions.redisKey(tenantId, channel, recipient)));
                if (marketing) {
                    listed.add(pipeline.exists(Suppressions.redisKey(tenantId, channel, recipient, true)));
                }
                lists.put(recipient, listed);
            }
            Response<Boolean> erased =
                    customer == null ? null : pipeline.exists(Suppressions.erasedKey(tenantId, customer));
            pipeline.sync();
            return new Checks(sentRecords, lists, erased);
        }
    }

    private void announceSent(
            Envelope<Object> envelope,
            D dispatch,
            Map<String, ProviderAttempts.SentRecord> sent,
            List<String> failovers) {
        ProviderAttempts.SentRecord first = sent.values().iterator().next();
        DeliveryEvent event = new DeliveryEvent(
                dispatch.messageId(),
                delivery.channel().wireName(),
                DeliveryEvent.Status.SENT,
                first.providerId(),
                null,
                failovers.isEmpty() ? null : "failed over from " + String.join(", ", failovers),
                first.at(),
                delivery.provider(first.account()));
        events.publish(envelope.tenantId(), envelope.traceparent(), event);
    }

    private void announceContact(Envelope<Object> envelope, D dispatch, String recipient, ProviderRefused refused) {
        if (refused.contactEffect() == null) {
            return;
        }
        String id = "ct_" + dispatch.messageId()
                + (delivery.perRecipient() ? "_" + ProviderAttempts.fingerprint(recipient) : "");
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
}
