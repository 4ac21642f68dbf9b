package io.relay.routing.timeline;

import io.relay.routing.accept.MessageRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Messages and their timelines in PostgreSQL; every query is scoped to one tenant. */
@Repository
public class MessageStore {

    private static final tools.jackson.core.type.TypeReference<List<String>> STRINGS =
            new tools.jackson.core.type.TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final javax.sql.DataSource dataSource;

    private final org.springframework.context.ApplicationEventPublisher events;

    public MessageStore(
            JdbcClient jdbc,
            JsonMapper json,
            javax.sql.DataSource dataSource,
            org.springframework.context.ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.dataSource = dataSource;
        this.events = events;
    }

    /** Every status change is announced (after commit) for the tenant's status webhook. */
    private void announce(String tenantId, String id, String status, String channel, TimelineEntry entry) {
        events.publishEvent(new io.relay.routing.webhook.StatusChangePublisher.Changed(
                tenantId,
                new io.relay.contracts.payload.StatusChanged(id, status, channel, entry.at(), entry.reason())));
    }

    public void insertAccepted(String tenantId, String id, MessageRequest request, Instant now) {
        insertAccepted(tenantId, id, request, null, null, null, null, now);
    }

    /**
     * With the tenant's senders, as the gateway passed them. The row and its first timeline entry go
     * in one statement (one round trip, atomic without a transaction of its own).
     */
    public void insertAccepted(
            String tenantId,
            String id,
            MessageRequest request,
            String smsFrom,
            String emailFrom,
            String smsCountries,
            String traceparent,
            Instant now) {
        jdbc.sql("""
                        WITH inserted AS (
                            INSERT INTO messages (tenant_id, id, customer_id, category, priority, channels, send_at,
                                                  expires_at, request, status, sms_from, email_from, sms_countries,
                                                  traceparent, created_at, updated_at)
                            VALUES (:tenant, :id, :customer, :category, :priority, CAST(:channels AS jsonb), :sendAt,
                                    :expiresAt, CAST(:request AS jsonb), 'accepted', :smsFrom, :emailFrom, :smsCountries,
                                    :traceparent,
                                    :now, :now)
                            RETURNING tenant_id, id, created_at)
                        INSERT INTO message_events (tenant_id, message_id, at, event)
                        SELECT tenant_id, id, created_at, 'accepted' FROM inserted
                        """)
                .param("tenant", tenantId)
                .param("id", id)
                .param("customer", request.customerId())
                .param("category", request.category())
                .param("priority", request.priority() == null ? "normal" : request.priority())
                .param("channels", json.writeValueAsString(request.channels() == null ? List.of() : request.channels()))
                .param("sendAt", timestamp(request.sendAt()))
                .param("expiresAt", timestamp(request.expiresAt()))
                .param("request", json.writeValueAsString(request))
                .param("smsFrom", smsFrom)
                .param("emailFrom", emailFrom)
                .param("smsCountries", smsCountries)
                .param("traceparent", traceparent)
                .param("now", Timestamp.from(now))
                .update();
        announce(tenantId, id, "accepted", null, TimelineEntry.of(now, "accepted"));
    }

    /** Forgets a message whose acceptance could not be completed (the caller got an error, not a 202). */
    @Transactional
    public void forget(String tenantId, String id) {
        jdbc.sql("DELETE FROM messages WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .update();
    }

    public Optional<StoredMessage> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM messages WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(this::map)
                .optional();
    }

    public List<StoredMessage> recentForCustomer(String tenantId, String customerId, int limit) {
        return jdbc.sql("""
                        SELECT * FROM messages WHERE tenant_id = :tenant AND customer_id = :customer
                        ORDER BY created_at DESC LIMIT :limit
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    public List<TimelineEntry> timeline(String tenantId, String id) {
        return jdbc.sql("""
                        SELECT at, event, channel, reason FROM message_events
                        WHERE tenant_id = :tenant AND message_id = :id ORDER BY seq
                        """)
                .param("tenant", tenantId)
                .param("id", id)
                .query((rs, row) -> new TimelineEntry(
                        rs.getTimestamp("at").toInstant(),
                        rs.getString("event"),
                        rs.getString("channel"),
                        rs.getString("reason")))
                .list();
    }

    /**
     * Moves a message forward to {@code to} and records the entries, atomically. Returns false, and
     * records nothing, when the message is already at or past {@code to}: a repeated or late event has
     * no second effect.
     */
    public boolean advance(String tenantId, String id, Status to, String channel, List<TimelineEntry> entries) {
        return advanceFrom(tenantId, id, to.predecessors(), to, channel, entries);
    }

    /**
     * Moves a message to {@code to} only from one of {@code from}, and records the entries, atomically.
     * Returns false, recording nothing, when the message is in another state.
     */
    public boolean advanceFrom(
            String tenantId, String id, List<Status> from, Status to, String channel, List<TimelineEntry> entries) {
        return advanceFrom(tenantId, id, from, to, channel, entries, null);
    }

    /** Where a message goes (or went): set together with the status change that routes it. */
    public record Route(
            List<String> addresses,
            Integer capMax,
            String capPer,
            String categoryKind,
            Instant scheduledFor,
            Instant dispatchedAt) {}

    /**
     * As above, and when {@code route} is given, records it on the row in the same change. The status
     * change, the route and every timeline entry are one statement: one round trip, atomic on its own,
     * so no transaction (and no COMMIT round trip) is needed around it.
     */
    public boolean advanceFrom(
            String tenantId,
            String id,
            List<Status> from,
            Status to,
            String channel,
            List<TimelineEntry> entries,
            Route route) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a status change is always explained by a timeline entry");
        }
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            values.append(i == 0 ? "" : ", ")
                    .append("(CAST(:at")
                    .append(i)
                    .append(" AS timestamptz), CAST(:event")
                    .append(i)
                    .append(" AS text), CAST(:channel")
                    .append(i)
                    .append(" AS text), CAST(:reason")
                    .append(i)
                    .append(" AS text), ")
                    .append(i)
                    .append(')');
        }
        String routeColumns = route == null ? "" : """
                , address = :address, scheduled_for = :scheduledFor, cap_max = :capMax, cap_per = :capPer,
                category_kind = :kind, dispatched_at = COALESCE(:dispatchedAt, dispatched_at)""";
        var statement = jdbc.sql("""
                        WITH moved AS (
                            UPDATE messages SET status = :to, channel = COALESCE(:channel, channel), updated_at = :now
                            %s
                            WHERE tenant_id = :tenant AND id = :id AND status IN (:from)
                            RETURNING tenant_id, id)
                        INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason)
                        SELECT moved.tenant_id, moved.id, e.at, e.event, e.channel, e.reason
                        FROM moved CROSS JOIN (VALUES %s) AS e (at, event, channel, reason, n)
                        ORDER BY e.n
                        """.formatted(routeColumns, values))
                .param("to", to.wireName())
                .param("channel", channel)
                .param("now", Timestamp.from(entries.getLast().at()))
                .param("tenant", tenantId)
                .param("id", id)
                .param("from", from.stream().map(Status::wireName).toList());
        for (int i = 0; i < entries.size(); i++) {
            TimelineEntry entry = entries.get(i);
            statement = statement
                    .param("at" + i, Timestamp.from(entry.at()))
                    .param("event" + i, entry.event())
                    .param("channel" + i, entry.channel())
                    .param("reason" + i, entry.reason());
        }
        if (route != null) {
            statement = statement
                    .param("address", json.writeValueAsString(route.addresses()))
                    .param("scheduledFor", timestamp(route.scheduledFor()))
                    .param("capMax", route.capMax())
                    .param("capPer", route.capPer())
                    .param("kind", route.categoryKind())
                    .param("dispatchedAt", timestamp(route.dispatchedAt()));
        }
        if (statement.update() == 0) {
            return false;
        }
        announce(tenantId, id, to.wireName(), channel, entries.getLast());
        return true;
    }

    /**
     * The scheduler's batch: every message still {@code scheduled} becomes {@code dispatched} with its
     * timeline entry, in two statements however many there are. Returns how many moved.
     */
    @Transactional
    public int dispatchScheduled(List<StoredMessage> messages, Instant at) {
        if (messages.isEmpty()) {
            return 0;
        }
        // ids are globally unique, so the two lists pick exactly these rows, through the primary key
        List<String> moved = jdbc.sql("""
                        UPDATE messages SET status = 'dispatched', dispatched_at = :at, updated_at = :at
                        WHERE tenant_id IN (:tenants) AND id IN (:ids) AND status = 'scheduled'
                        RETURNING tenant_id || '/' || id
                        """)
                .param("at", Timestamp.from(at))
                .param("tenants", tenantsOf(messages))
                .param("ids", idsOf(messages))
                .query(String.class)
                .list();
        java.util.Set<String> done = java.util.Set.copyOf(moved);
        List<Object[]> rows = new java.util.ArrayList<>();
        for (StoredMessage m : messages) {
            if (done.contains(m.tenantId() + "/" + m.id())) {
                rows.add(new Object[] {
                    m.tenantId(),
                    m.id(),
                    Timestamp.from(at),
                    "dispatched",
                    m.channel(),
                    "due " + m.scheduledFor() + ", "
                            + java.time.Duration.between(m.scheduledFor(), at).toMillis() + " ms late"
                });
            }
        }
        for (StoredMessage m : messages) {
            if (done.contains(m.tenantId() + "/" + m.id())) {
                announce(m.tenantId(), m.id(), "dispatched", m.channel(), TimelineEntry.of(at, "dispatched"));
            }
        }
        new org.springframework.jdbc.core.JdbcTemplate(dataSource)
                .batchUpdate(
                        "INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason) VALUES (?, ?, ?, ?, ?, ?)",
                        rows);
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

    /** Messages dispatched to this customer in this category since {@code since}: the frequency cap's count. */
    public int countDispatchedSince(String tenantId, String customerId, String category, Instant since) {
        return jdbc.sql("""
                        SELECT count(*) FROM messages
                        WHERE tenant_id = :tenant AND customer_id = :customer AND category = :category
                          AND dispatched_at IS NOT NULL AND dispatched_at > :since
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .param("category", category)
                .param("since", Timestamp.from(since))
                .query(Integer.class)
                .single();
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
                .query(this::map)
                .list();
    }

    /**
     * Locks up to {@code limit} messages still {@code accepted} with no change since {@code before}
     * and never re-driven, oldest first, skipping rows another replica holds. Call inside a
     * transaction. Once only: a message whose routing then fails goes the way of any failure (retry,
     * then the parking queue), rather than round again every few minutes.
     */
    public List<StoredMessage> claimStalledAccepted(Instant before, int limit) {
        return jdbc.sql("""
                        SELECT * FROM messages WHERE status = 'accepted' AND updated_at < :before
                          AND redriven_at IS NULL
                        ORDER BY updated_at LIMIT :limit FOR UPDATE SKIP LOCKED
                        """)
                .param("before", Timestamp.from(before))
                .param("limit", limit)
                .query(this::map)
                .list();
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

    /**
     * Fallback: a channel failed for good, so the message goes back to routing with that channel
     * remembered as tried. Only from dispatched or sent on that very channel; false otherwise.
     */
    @Transactional
    public boolean reopenAfterFailure(String tenantId, String id, String channel, TimelineEntry failure) {
        int updated = jdbc.sql("""
                        UPDATE messages SET status = 'accepted', updated_at = :now,
                               tried_channels = tried_channels || jsonb_build_array(CAST(:channel AS text))
                        WHERE tenant_id = :tenant AND id = :id AND channel = :channel
                          AND status IN ('dispatched', 'sent')
                        """)
                .param("now", Timestamp.from(failure.at()))
                .param("channel", channel)
                .param("tenant", tenantId)
                .param("id", id)
                .update();
        if (updated == 0) {
            return false;
        }
        append(tenantId, id, failure);
        announce(tenantId, id, "failed", channel, failure);
        return true;
    }

    public record Erasure(int cancelled, int scrubbed) {}

    /** Cancels what was not dispatched yet and drops the content of every message of the customer. */
    @Transactional
    public Erasure eraseCustomer(String tenantId, String customerId, Instant at) {
        List<String> pending = jdbc.sql("""
                        SELECT id FROM messages WHERE tenant_id = :tenant AND customer_id = :customer
                          AND status IN ('accepted', 'scheduled')
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .query(String.class)
                .list();
        int cancelled = 0;
        for (String id : pending) {
            if (advance(
                    tenantId,
                    id,
                    Status.CANCELLED,
                    null,
                    List.of(new TimelineEntry(at, "cancelled", null, "customer erased")))) {
                cancelled++;
            }
        }
        int scrubbed = jdbc.sql("""
                        UPDATE messages SET request = request - 'content' - 'template' - 'appointment'
                        WHERE tenant_id = :tenant AND customer_id = :customer AND request -> 'content' IS NOT NULL
                        """)
                .param("tenant", tenantId)
                .param("customer", customerId)
                .update();
        return new Erasure(cancelled, scrubbed);
    }

    private void append(String tenantId, String id, TimelineEntry entry) {
        jdbc.sql("""
                        INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason)
                        VALUES (:tenant, :id, :at, :event, :channel, :reason)
                        """)
                .param("tenant", tenantId)
                .param("id", id)
                .param("at", Timestamp.from(entry.at()))
                .param("event", entry.event())
                .param("channel", entry.channel())
                .param("reason", entry.reason())
                .update();
    }

    private StoredMessage map(ResultSet rs, int row) throws SQLException {
        return new StoredMessage(
                rs.getString("tenant_id"),
                rs.getString("id"),
                json.readValue(rs.getString("request"), MessageRequest.class),
                Status.fromWire(rs.getString("status")),
                rs.getString("channel"),
                rs.getString("address") == null ? List.of() : json.readValue(rs.getString("address"), STRINGS),
                rs.getTimestamp("scheduled_for") == null
                        ? null
                        : rs.getTimestamp("scheduled_for").toInstant(),
                json.readValue(rs.getString("tried_channels"), STRINGS),
                (Integer) rs.getObject("cap_max"),
                rs.getString("cap_per"),
                rs.getString("category_kind"),
                rs.getString("sms_from"),
                rs.getString("email_from"),
                rs.getString("sms_countries"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getString("traceparent"));
    }

    /** With {@link #idsOf}: ids are globally unique, so the two lists pick exactly these rows by key. */
    private static List<String> tenantsOf(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::tenantId).distinct().toList();
    }

    private static List<String> idsOf(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::id).toList();
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
