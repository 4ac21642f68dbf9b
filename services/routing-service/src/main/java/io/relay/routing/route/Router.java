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
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final List<Status> ROUTABLE = List.of(Status.ACCEPTED);

    private final MessageStore store;
    private final PreferenceClient preferences;
    private final Dispatcher dispatcher;
    private final Set<String> deliverable;

    public Router(MessageStore store, PreferenceClient preferences, Dispatcher dispatcher, RoutingProperties settings) {
        this.store = store;
        this.preferences = preferences;
        this.dispatcher = dispatcher;
        this.deliverable = Set.copyOf(settings.routing().channels());
    }

    /** Routes a message that is {@code accepted} (new, or back from a failed channel). */
    public void route(StoredMessage message, String traceparent, java.time.Instant now) {
        PreferenceAnswer answer = preferences.resolve(
                message.tenantId(),
                message.request().customerId(),
                message.request().category());
        Decision decision = ChannelDecision.decide(
                message.request(), answer, message.triedChannels(), deliverable, message.smsCountries());
        if (decision instanceof Decision.Suppress suppress) {
            finish(
                    message,
                    message.triedChannels().isEmpty() ? Status.SUPPRESSED : Status.FAILED,
                    now,
                    suppress.reason());
            return;
        }
        Decision.Send send = (Decision.Send) decision;
        ResolvedChoices choices = ((PreferenceAnswer.Known) answer).choices();
        ResolvedChoices.FrequencyCap cap = choices.frequencyCap();
        String capReached = capReached(message, cap == null ? null : cap.max(), cap == null ? null : cap.per(), now);
        if (capReached != null) {
            finish(message, Status.SUPPRESSED, now, capReached);
            return;
        }
        boolean skipQuiet = "urgent".equals(message.request().priority()) && choices.urgentAllowed();
        TimeDecision.When when = TimeDecision.earliest(
                now, message.request().sendAt(), message.request().expiresAt(), skipQuiet, timing(choices));
        if (when instanceof TimeDecision.Expired expired) {
            finish(message, Status.EXPIRED, now, expired.reason());
            return;
        }
        Instant at = ((TimeDecision.At) when).at();
        TimelineEntry routed = new TimelineEntry(now, "routed", send.channel(), send.reason());
        Integer capMax = cap == null ? null : cap.max();
        String capPer = cap == null ? null : cap.per();
        if (at.isAfter(now)) {
            boolean scheduled = store.advanceFrom(
                    message.tenantId(),
                    message.id(),
                    ROUTABLE,
                    Status.SCHEDULED,
                    send.channel(),
                    List.of(routed, new TimelineEntry(now, "scheduled", send.channel(), when.reason() + " → " + at)),
                    new Route(send.addresses(), capMax, capPer, choices.kind(), at, null));
            log.info("{} for {}", scheduled ? "scheduled" : "not scheduled (state changed)", at);
            return;
        }
        List<TimelineEntry> entries = List.of(
                routed,
                new TimelineEntry(
                        now, "dispatched", send.channel(), when.reason().isEmpty() ? null : when.reason()));
        Route route = new Route(send.addresses(), capMax, capPer, choices.kind(), null, now);
        if (!store.advanceFrom(
                message.tenantId(), message.id(), ROUTABLE, Status.DISPATCHED, send.channel(), entries, route)) {
            log.info("message changed state while routing (cancelled?): not dispatched");
            return;
        }
        StoredMessage dispatched = message.routed(Status.DISPATCHED, send.channel(), route);
        ConfirmingPublisher.await(
                dispatcher.publish(dispatched, send.channel(), send.addresses(), traceparent, now), CONFIRM_TIMEOUT);
        log.info("dispatched on {}", send.channel());
    }

    /** A redelivered message.accepted for a message already dispatched: publish the same dispatch again. */
    public void redispatch(StoredMessage message, String traceparent, Instant now) {
        ConfirmingPublisher.await(
                dispatcher.publish(message, message.channel(), message.addresses(), traceparent, now), CONFIRM_TIMEOUT);
    }

    /** Null when under the cap; else the reason, counted across all this customer's messages in the category. */
    public String capReached(StoredMessage message, Integer max, String per, Instant now) {
        if (max == null || per == null) {
            return null;
        }
        int sent = store.countDispatchedSince(
                message.tenantId(),
                message.request().customerId(),
                message.request().category(),
                FrequencyCap.windowStart(per, now));
        return FrequencyCap.reached(max, per, sent, message.request().category())
                .orElse(null);
    }

    private void finish(StoredMessage message, Status status, Instant now, String reason) {
        boolean moved = store.advanceFrom(
                message.tenantId(),
                message.id(),
                List.of(Status.ACCEPTED, Status.SCHEDULED),
                status,
                null,
                List.of(new TimelineEntry(now, status.wireName(), null, reason)));
        log.info("{}{}: {}", status.wireName(), moved ? "" : " (already moved on)", reason);
    }

    static Timing timing(ResolvedChoices choices) {
        ZoneId zone = choices.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(choices.timeZone());
        Timing.Quiet quiet = choices.quietHours() == null
                ? null
                : new Timing.Quiet(
                        LocalTime.parse(choices.quietHours().start()),
                        LocalTime.parse(choices.quietHours().end()));
        Timing.Window window = null;
        if (choices.deliveryWindow() != null) {
            Set<DayOfWeek> days = choices.deliveryWindow().days().stream()
                    .map(Router::day)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(DayOfWeek.class)));
            window = new Timing.Window(
                    days,
                    LocalTime.parse(choices.deliveryWindow().start()),
                    LocalTime.parse(choices.deliveryWindow().end()));
        }
        return new Timing(zone, quiet, window);
    }

    private static DayOfWeek day(String threeLetters) {
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(threeLetters)) {
                return day;
            }
        }
        throw new IllegalArgumentException("not a day: " + threeLetters);
    }
}
