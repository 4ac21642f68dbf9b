package io.relay.routing.route;

import io.relay.messaging.ConfirmingPublisher;
import io.relay.routing.RoutingProperties;
import io.relay.routing.customer.PreferenceAnswer;
import io.relay.routing.customer.PreferenceClient;
import io.relay.routing.customer.ResolvedChoices;
import io.relay.routing.decide.ChannelDecision;
import io.relay.routing.decide.Decision;
import io.relay.routing.decide.FrequencyCap;
import io.relay.routing.decide.TimeDecision;
import io.relay.routing.decide.Timing;
import io.relay.routing.message.Route;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.timeline.MessageStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Turns "tell customer C about E" into a decision and makes it happen: which channel (the customer's
 * order, narrowed by the business, the content and what already failed), whether (consent, contacts,
 * frequency cap, expiry), when (sendAt, quiet hours, delivery window). Every step is a timeline entry
 * with its reason. Due now: dispatched; due later: scheduled for the scheduler.
 */
@Component
public class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final List<Status> ROUTABLE = List.of(Status.ACCEPTED);

    private final MessageStore store;
    private final PreferenceClient preferences;
    private final Dispatcher dispatcher;
    private final Set<String> deliverable;
    private final org.springframework.transaction.support.TransactionTemplate tx;
    private final CapStore caps;

    public Router(
            MessageStore store,
            PreferenceClient preferences,
            Dispatcher dispatcher,
            RoutingProperties settings,
            org.springframework.transaction.support.TransactionTemplate tx,
            CapStore caps) {
        this.tx = tx;
        this.caps = caps;
        this.store = store;
        this.preferences = preferences;
        this.dispatcher = dispatcher;
        this.deliverable = Set.copyOf(settings.routing().channels());
    }

    /** Routes a message that is {@code accepted} (new, or back from a failed channel). */
    public void route(StoredMessage message, String traceparent, Instant now) {
        Plan plan = plan(message, ask(message), now);
        if (!(plan instanceof Plan.Dispatch dispatch)) {
            apply(message, plan, now);
            return;
        }
        // under a cap, counting and dispatching are one transaction under the cap's lock: exact across
        // replicas; without one, the status change is one statement, atomic on its own
        boolean moved = dispatch.capped()
                ? Boolean.TRUE.equals(tx.execute(status -> apply(message, underCap(message, dispatch, now, true), now)))
                : apply(message, dispatch, now);
        if (!moved) {
            log.info("not dispatched: the cap was reached meanwhile, or the message changed state (cancelled?)");
            return;
        }
        ConfirmingPublisher.await(dispatcher.publish(message, dispatch, traceparent, now), Dispatcher.CONFIRM_TIMEOUT);
        log.debug("dispatched on {}", dispatch.channel());
    }

    /** Moves the stored {@code accepted} message as planned; true when it moved to dispatched or scheduled. */
    private boolean apply(StoredMessage message, Plan plan, Instant now) {
        if (plan instanceof Plan.End end) {
            finish(message, end.status(), now, end.entry().reason());
            return false;
        }
        return store.advanceFrom(
                message.tenantId(),
                message.id(),
                ROUTABLE,
                plan.status(),
                plan.channel(),
                plan.entries(),
                plan.route());
    }

    /**
     * The decision for an {@code accepted} message on the customer's word {@code answer}: which channel,
     * whether, when. Nothing is written; a capped dispatch is counted again under the cap's lock
     * ({@link #underCap}) in the transaction that writes it.
     */
    Plan plan(StoredMessage message, PreferenceAnswer answer, Instant now) {
        Decision decision = decide(message, answer);
        if (decision instanceof Decision.Suppress suppress) {
            return end(refused(message), now, suppress.reason());
        }
        Decision.Send send = (Decision.Send) decision;
        ResolvedChoices choices = ((PreferenceAnswer.Known) answer).choices();
        ResolvedChoices.FrequencyCap cap = choices.frequencyCap();
        Integer capMax = cap == null ? null : cap.max();
        String capPer = cap == null ? null : cap.per();
        // a first look (a message held for later is suppressed now if the cap is already full)
        String capReached = capReached(message, capMax, capPer, now);
        if (capReached != null) {
            return end(Status.SUPPRESSED, now, capReached);
        }
        TimeDecision.When when = when(message, choices, now);
        if (when instanceof TimeDecision.Expired expired) {
            return end(Status.EXPIRED, now, expired.reason());
        }
        Instant at = ((TimeDecision.At) when).at();
        TimelineEntry routed = new TimelineEntry(now, "routed", send.channel(), send.reason());
        if (at.isAfter(now)) {
            return new Plan.Schedule(
                    send.channel(),
                    List.of(routed, new TimelineEntry(now, "scheduled", send.channel(), when.reason() + " → " + at)),
                    new Route(send.addresses(), capMax, capPer, choices.kind(), at, null));
        }
        String reason = when.reason().isEmpty() ? null : when.reason();
        return new Plan.Dispatch(
                send.channel(),
                List.of(routed, new TimelineEntry(now, "dispatched", send.channel(), reason)),
                new Route(send.addresses(), capMax, capPer, choices.kind(), null, now));
    }

    /**
     * A capped dispatch counted again under the cap's lock, held until the caller's transaction ends:
     * the dispatch, or its end when the cap is reached. Without {@code wait}, throws CapBusy when another
     * transaction holds the lock.
     */
    Plan underCap(StoredMessage message, Plan.Dispatch dispatch, Instant now, boolean wait) {
        String reached = lockedCapReached(
                message, dispatch.route().capMax(), dispatch.route().capPer(), now, wait);
        return reached == null ? dispatch : end(Status.SUPPRESSED, now, reached);
    }

    private static Plan.End end(Status status, Instant now, String reason) {
        return new Plan.End(status, new TimelineEntry(now, status.wireName(), null, reason));
    }

    /**
     * The whole decision again for a message that falls due (consent, channel order, contacts, quiet
     * hours, window, cap, expiry), with the customer's current choices: a "no" given while it waited
     * holds. {@code answer} is that word, asked for the whole batch at once ({@link #askAll}, which
     * throws when preference-service cannot answer, so nothing is sent without knowing).
     */
    public Due redecide(StoredMessage message, Instant now, PreferenceAnswer answer) {
        Decision decision = decide(message, answer);
        if (decision instanceof Decision.Suppress suppress) {
            return new Due.End(refused(message), "at the time of sending: " + suppress.reason());
        }
        Decision.Send send = (Decision.Send) decision;
        ResolvedChoices choices = ((PreferenceAnswer.Known) answer).choices();
        Integer capMax =
                choices.frequencyCap() == null ? null : choices.frequencyCap().max();
        String capPer =
                choices.frequencyCap() == null ? null : choices.frequencyCap().per();
        String capReached = lockedCapReached(message, capMax, capPer, now, true);
        if (capReached != null) {
            return new Due.End(Status.SUPPRESSED, capReached);
        }
        TimeDecision.When when = when(message, choices, now);
        if (when instanceof TimeDecision.Expired expired) {
            return new Due.End(Status.EXPIRED, expired.reason());
        }
        Instant at = ((TimeDecision.At) when).at();
        if (at.isAfter(now)) {
            return new Due.Hold(
                    send.channel(),
                    new Route(send.addresses(), capMax, capPer, choices.kind(), at, null),
                    "the customer's times changed while it waited: " + when.reason() + " → " + at);
        }
        boolean asPlanned =
                send.channel().equals(message.channel()) && send.addresses().equals(message.addresses());
        return new Due.Send(
                send.channel(),
                send.addresses(),
                new Route(send.addresses(), capMax, capPer, choices.kind(), message.scheduledFor(), now),
                asPlanned
                        ? null
                        : new TimelineEntry(
                                now,
                                "routed",
                                send.channel(),
                                "decided again at the time of sending: " + send.reason()));
    }

    /**
     * The customer's choices changed while a message waits: how it ends now when they no longer allow it
     * (consent, channel, contacts), or null when they still do; its time and the cap are decided when it
     * falls due. {@code answer} is the customer's word now ({@link #askAll}).
     */
    public Due.End noLongerAllowed(StoredMessage message, PreferenceAnswer answer) {
        return decide(message, answer) instanceof Decision.Suppress suppress
                ? new Due.End(refused(message), "the customer's choices changed while it waited: " + suppress.reason())
                : null;
    }

    /** The customer's word for each distinct customer and category among these messages, asked at once. */
    public Map<PreferenceClient.Question, PreferenceAnswer> askAll(List<StoredMessage> messages) {
        return preferences.resolveAll(messages.stream().map(Router::question).toList());
    }

    /** The key of {@link #askAll}'s answers. */
    public static PreferenceClient.Question question(StoredMessage message) {
        return new PreferenceClient.Question(
                message.tenantId(),
                message.request().customerId(),
                message.request().category());
    }

    PreferenceAnswer ask(StoredMessage message) {
        return preferences.resolve(
                message.tenantId(),
                message.request().customerId(),
                message.request().category());
    }

    private Decision decide(StoredMessage message, PreferenceAnswer answer) {
        return ChannelDecision.decide(
                message.request(), answer, message.triedChannels(), deliverable, message.smsCountries());
    }

    /** Refused before any channel was tried is suppressed; after one failed, the message failed. */
    private static Status refused(StoredMessage message) {
        return message.triedChannels().isEmpty() ? Status.SUPPRESSED : Status.FAILED;
    }

    /** When the message may go: sendAt, expiry, and the customer's quiet hours and window (urgent may skip quiet hours). */
    private static TimeDecision.When when(StoredMessage message, ResolvedChoices choices, Instant now) {
        boolean skipQuiet = "urgent".equals(message.request().priority()) && choices.urgentAllowed();
        return TimeDecision.earliest(
                now,
                message.request().sendAt(),
                message.request().expiresAt(),
                skipQuiet,
                Timing.of(choices, message.tenantTimeZone()));
    }

    /**
     * Null when under the cap; else the reason, counted across all this customer's other messages in the
     * category. A first look, without the lock: what decides is {@link #lockedCapReached}.
     */
    private String capReached(StoredMessage message, Integer max, String per, Instant now) {
        if (max == null || per == null) {
            return null;
        }
        int sent = caps.countDispatchedSince(
                message.tenantId(),
                message.request().customerId(),
                message.request().category(),
                FrequencyCap.windowStart(per, now),
                message.id());
        return FrequencyCap.reached(max, per, sent, message.request().category())
                .orElse(null);
    }

    /**
     * The same count under the cap's lock, held until the caller's transaction ends: call it inside
     * the transaction that then dispatches, so no other consumer or replica counts meanwhile.
     */
    private String lockedCapReached(StoredMessage message, Integer max, String per, Instant now, boolean wait) {
        if (max != null
                && per != null
                && !caps.lockCap(
                        message.tenantId(),
                        message.request().customerId(),
                        message.request().category(),
                        wait)) {
            throw new CapBusy();
        }
        return capReached(message, max, per, now);
    }

    private void finish(StoredMessage message, Status status, Instant now, String reason) {
        boolean moved = store.advanceFrom(
                message.tenantId(),
                message.id(),
                List.of(Status.ACCEPTED, Status.SCHEDULED),
                status,
                null,
                List.of(new TimelineEntry(now, status.wireName(), null, reason)));
        log.debug("{}{}: {}", status.wireName(), moved ? "" : " (already moved on)", reason);
    }
}
