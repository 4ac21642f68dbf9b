package io.relay.routing.schedule;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.CustomerChanged;
import io.relay.messaging.EnvelopeHandler;
import io.relay.routing.message.Status;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import io.relay.routing.route.Due;
import io.relay.routing.route.Router;
import io.relay.routing.timeline.MessageStore;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A customer's choices changed (a preference update, one-click unsubscribe, STOP, a dead contact): each
 * of their waiting messages the customer no longer allows ends now, {@code suppressed} with the reason,
 * and the business's webhook hears it then rather than at the due time. Messages still allowed keep
 * waiting; their time and the cap are decided when they fall due. Repeating it changes nothing more.
 */
@Component
public class CustomerChangedHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(CustomerChangedHandler.class);
    /** More waiting messages than this for one customer are left to their due time. */
    private static final int LIMIT = 500;

    private final ScheduleStore schedule;
    private final MessageStore store;
    private final Router router;
    private final TransactionTemplate tx;
    private final Clock clock;

    public CustomerChangedHandler(
            ScheduleStore schedule, MessageStore store, Router router, TransactionTemplate tx, Clock clock) {
        this.schedule = schedule;
        this.store = store;
        this.router = router;
        this.tx = tx;
        this.clock = clock;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        CustomerChanged changed = (CustomerChanged) envelope.payload();
        int ended = recheck(envelope.tenantId(), changed.customerId());
        if (ended > 0) {
            log.info("{} waiting messages ended after the customer's choices changed", ended);
        }
    }

    /** Ends what the customer no longer allows among their waiting messages; returns how many ended. */
    public int recheck(String tenantId, String customerId) {
        Instant now = clock.instant();
        Integer ended = tx.execute(status -> {
            int count = 0;
            List<StoredMessage> waiting = schedule.claimWaitingOf(tenantId, customerId, LIMIT);
            // one question per category, however many wait in it
            var answers = router.askAll(waiting);
            for (StoredMessage message : waiting) {
                Due.End end = router.noLongerAllowed(message, answers.get(Router.question(message)));
                if (end != null
                        && store.advanceFrom(
                                tenantId,
                                message.id(),
                                List.of(Status.SCHEDULED),
                                end.status(),
                                null,
                                List.of(new TimelineEntry(now, end.status().wireName(), null, end.reason())))) {
                    count++;
                }
            }
            return count;
        });
        return ended == null ? 0 : ended;
    }
}
