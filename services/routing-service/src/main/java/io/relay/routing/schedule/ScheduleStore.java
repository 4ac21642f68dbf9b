package io.relay.routing.schedule;

import static io.relay.routing.message.MessageRows.idsOf;
import static io.relay.routing.message.MessageRows.tenantsOf;

import io.relay.routing.message.MessageRows;
import io.relay.routing.message.StatusChange;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduler's side of the {@code messages} table: claiming what is due (and what stalled), moving a
 * batch to {@code dispatched}, recording re-drives. Claims lock with SKIP LOCKED, so replicas share
 * the work without publishing a message twice.
 */
@Repository
public class ScheduleStore {

    private final JdbcClient jdbc;
    private final MessageRows rows;
    private final ApplicationEventPublisher events;

    public ScheduleStore(JdbcClient jdbc, JsonMapper json, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.rows = new MessageRows(json);
        this.events = events;
    }

    /**
     * The scheduler's batch: every message still {@code scheduled} becomes {@code dispatched} with its
     * timeline entry, in one statement however many there are. Returns how many moved.
     */
    @Transactional
    public int dispatchScheduled(List<StoredMessage> messages, Instant at) {
        if (messages.isEmpty()) {
            return 0;
        }
        // one statement: the rows move and their entries go in together, set-based, whatever the count
        List<String> moved = jdbc.sql("""
                        WITH due AS (
                            SELECT * FROM unnest(CAST(:tenants AS text[]), CAST(:ids AS text[]),
                                                 CAST(:channels AS text[]), CAST(:reasons AS text[]))
                                AS d (tenant_id, id, channel, reason)),
                        moved AS (
                            UPDATE messages m SET status = 'dispatched', dispatched_at = :at, updated_at = :at
                            FROM due WHERE m.tenant_id = due.tenant_id AND m.id = due.id AND m.status = 'scheduled'
                            RETURNING m.tenant_id, m.id, due.channel, due.reason),
                        entries AS (
                            INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason)
                            SELECT tenant_id, id, :at, 'dispatched', channel, reason FROM moved)
                        SELECT tenant_id || '/' || id FROM moved
                        """)
                .param("at", Timestamp.from(at))
                .param("tenants", messages.stream().map(StoredMessage::tenantId).toArray(String[]::new))
                .param("ids", messages.stream().map(StoredMessage::id).toArray(String[]::new))
                .param("channels", messages.stream().map(StoredMessage::channel).toArray(String[]::new))
                .param(
                        "reasons",
                        messages.stream()
                                .map(m -> "due " + m.scheduledFor() + ", "
                                        + java.time.Duration.between(m.scheduledFor(), at)
                                                .toMillis() + " ms late")
                                .toArray(String[]::new))
                .query(String.class)
                .list();
        java.util.Set<String> done = java.util.Set.copyOf(moved);
        for (StoredMessage m : messages) {
            if (done.contains(m.tenantId() + "/" + m.id())) {
                events.publishEvent(StatusChange.of(
                        m.tenantId(), m.id(), "dispatched", m.channel(), TimelineEntry.of(at, "dispatched")));
            }
        }
        return moved.size();
    }

    /** Marks a message dispatched now (for caps), after the broker confirmed its dispatch. */
    @Transactional
    public void markDispatched(String tenantId, String id, Instant at) {
        jdbc.sql("UPDATE messages SET dispatched_at = :at WHERE tenant_id = :tenant AND id = :id")
                .param("at", Timestamp.from(at))
                .param("tenant", tenantId)
                .param("id", id)
                .update();
    }

    /**
     * Locks up to {@code limit} scheduled messages that are due, oldest first, skipping rows another
     * replica holds. Call inside a transaction: the lock is what keeps two replicas from publishing
     * the same message.
     */
    public List<StoredMessage> claimDue(Instant now, int limit) {
        return jdbc.sql("""
                        SELECT * FROM messages WHERE status = 'scheduled' AND scheduled_for <= :now
                        ORDER BY scheduled_for LIMIT :limit FOR UPDATE SKIP LOCKED
                        """)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query(rows::map)
                .list();
    }

    /**
     * Locks one customer's messages still waiting ({@code scheduled}), skipping those the scheduler holds
     * this moment (it decides them again itself). Call inside a transaction.
     */
    public List<StoredMessage> claimWaitingOf(String tenantId, String customerId, int limit) {
        return jdbc.sql("""
                        SELECT * FROM messages
                        WHERE tenant_id = :tenant AND customer_id = :customer AND status = 'scheduled'
                        ORDER BY scheduled_for LIMIT :limit FOR UPDATE SKIP LOCKED
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .param("limit", limit)
                .query(rows::map)
                .list();
    }

    /**
     * Locks up to {@code limit} messages still {@code accepted} with no change since {@code before}
     * and not re-driven since they last changed, oldest first, skipping rows another replica holds.
     * Call inside a transaction. Once for each time a message comes to {@code accepted}: a message
     * whose routing then fails goes the way of any failure (retry, then the parking queue), rather than
     * round again every few minutes; one that moved on and came back (a fallback) is re-driven again.
     */
    public List<StoredMessage> claimStalledAccepted(Instant before, int limit) {
        return claim("""
                        SELECT * FROM messages WHERE status = 'accepted' AND updated_at < :before
                          AND (redriven_at IS NULL OR redriven_at < updated_at)
                        ORDER BY updated_at LIMIT :limit FOR UPDATE SKIP LOCKED
                        """, before, limit);
    }

    /**
     * Locks up to {@code limit} messages still {@code accepted}, unchanged since their re-drive, which
     * was before {@code before}: their routing failed for good. Call inside a transaction.
     */
    public List<StoredMessage> claimUnrouted(Instant before, int limit) {
        return claim("""
                        SELECT * FROM messages WHERE status = 'accepted' AND redriven_at < :before
                          AND redriven_at >= updated_at
                        ORDER BY updated_at LIMIT :limit FOR UPDATE SKIP LOCKED
                        """, before, limit);
    }

    /**
     * Locks up to {@code limit} messages still {@code dispatched} since before {@code before} (their
     * channel never said sent or failed) and not yet reported, oldest first, skipping rows another
     * replica holds. Call inside a transaction.
     */
    public List<StoredMessage> claimUnanswered(Instant before, int limit) {
        return claim("""
                        SELECT * FROM messages WHERE status = 'dispatched' AND dispatched_at < :before
                          AND reconciled_at IS NULL
                        ORDER BY dispatched_at LIMIT :limit FOR UPDATE SKIP LOCKED
                        """, before, limit);
    }

    /** The rows {@code sql} selects with {@code :before} and {@code :limit}, as messages. */
    private List<StoredMessage> claim(String sql, Instant before, int limit) {
        return jdbc.sql(sql)
                .param("before", Timestamp.from(before))
                .param("limit", limit)
                .query(rows::map)
                .list();
    }

    /** Records that these messages were reported unanswered at {@code at}. */
    public void markReconciled(List<StoredMessage> messages, Instant at) {
        if (messages.isEmpty()) {
            return;
        }
        jdbc.sql("UPDATE messages SET reconciled_at = :at WHERE tenant_id IN (:tenants) AND id IN (:ids)")
                .param("at", Timestamp.from(at))
                .param("tenants", tenantsOf(messages))
                .param("ids", idsOf(messages))
                .update();
    }

    /** Records that these messages' {@code message.accepted} was published again at {@code at}. */
    public void markRedriven(List<StoredMessage> messages, Instant at) {
        if (messages.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        UPDATE messages SET redriven_at = :at
                        WHERE tenant_id IN (:tenants) AND id IN (:ids) AND status = 'accepted'
                        """)
                .param("at", Timestamp.from(at))
                .param("tenants", tenantsOf(messages))
                .param("ids", idsOf(messages))
                .update();
    }
}
