package io.relay.routing.timeline;

import static io.relay.routing.message.MessageRows.timestamp;

import io.relay.routing.message.MessageRequest;
import io.relay.routing.message.MessageRows;
import io.relay.routing.message.Route;
import io.relay.routing.message.Status;
import io.relay.routing.message.StatusChange;
import io.relay.routing.message.StoredMessage;
import io.relay.routing.message.TimelineEntry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Messages and their timelines in PostgreSQL: accepting, reading, moving a message on (with its
 * timeline entries, atomically) and the frequency cap's count; every query is scoped to one tenant.
 * The scheduler's queries are in {@code schedule/ScheduleStore}, erasure in {@code erase/ErasureStore}.
 */
@Repository
public class MessageStore {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final MessageRows rows;
    private final ApplicationEventPublisher events;

    public MessageStore(JdbcClient jdbc, JsonMapper json, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.rows = new MessageRows(json);
        this.events = events;
    }

    /** Every status change is announced as an event; its listeners hear it after the change commits. */
    private void announce(String tenantId, String id, String status, String channel, TimelineEntry entry) {
        events.publishEvent(StatusChange.of(tenantId, id, status, channel, entry));
    }

    /** What the tenant's settings said when the message was accepted; each null for the default. */
    public record TenantSettings(String smsFrom, String emailFrom, String smsCountries, String timeZone) {
        public static final TenantSettings NONE = new TenantSettings(null, null, null, null);
    }

    /**
     * Stores a message {@code accepted} and nothing more, with the default tenant settings: what a
     * crash right after storing and before routing would leave (the re-drive's case).
     */
    public void insertAccepted(String tenantId, String id, MessageRequest request, Instant now) {
        insert(pending(tenantId, id, request, TenantSettings.NONE, null, now), Status.ACCEPTED, null, List.of(), null);
    }

    /** The message as {@link #find} will read it once stored {@code accepted} at {@code now}; nothing is written. */
    public StoredMessage pending(
            String tenantId,
            String id,
            MessageRequest request,
            TenantSettings tenant,
            String traceparent,
            Instant now) {
        return StoredMessage.accepted(
                tenantId,
                id,
                request,
                tenant.smsFrom(),
                tenant.emailFrom(),
                tenant.smsCountries(),
                tenant.timeZone(),
                traceparent,
                now);
    }

    /**
     * Stores a {@link #pending} message, accepted and at once moved on to {@code status} with its
     * channel, {@code route} (null: none) and the timeline {@code entries} after "accepted": a message
     * routed at acceptance is one insert, never an insert and then an update of the same row. One
     * statement: one round trip, atomic on its own.
     */
    public void insert(StoredMessage pending, Status status, String channel, List<TimelineEntry> entries, Route route) {
        MessageRequest request = pending.request();
        List<TimelineEntry> all = new java.util.ArrayList<>(entries.size() + 1);
        all.add(TimelineEntry.of(pending.createdAt(), "accepted"));
        all.addAll(entries);
        var statement = jdbc.sql("""
                        WITH inserted AS (
                            INSERT INTO messages (tenant_id, id, customer_id, category, priority, channels, send_at,
                                                  expires_at, request, status, channel, sms_from, email_from, sms_countries,
                                                  tenant_time_zone, traceparent, created_at, updated_at,
                                                  address, scheduled_for, cap_max, cap_per, category_kind, dispatched_at)
                            VALUES (:tenant, :id, :customer, :category, :priority, CAST(:channels AS jsonb), :sendAt,
                                    :expiresAt, CAST(:request AS jsonb), :to, :channel, :smsFrom, :emailFrom, :smsCountries,
                                    :timeZone, :traceparent, :created, :now,
                                    :address, :scheduledFor, :capMax, :capPer, :kind, :dispatchedAt)
                            RETURNING tenant_id, id)
                        %s""".formatted(TimelineSql.insertEntries("inserted", all)))
                .param("tenant", pending.tenantId())
                .param("id", pending.id())
                .param("customer", request.customerId())
                .param("category", request.category())
                .param("priority", request.priority() == null ? "normal" : request.priority())
                .param("channels", json.writeValueAsString(request.channels() == null ? List.of() : request.channels()))
                .param("sendAt", timestamp(request.sendAt()))
                .param("expiresAt", timestamp(request.expiresAt()))
                .param("request", json.writeValueAsString(request))
                .param("to", status.wireName())
                .param("channel", channel)
                .param("smsFrom", pending.smsFrom())
                .param("emailFrom", pending.emailFrom())
                .param("smsCountries", pending.smsCountries())
                .param("timeZone", pending.tenantTimeZone())
                .param("traceparent", pending.traceparent())
                .param("created", Timestamp.from(pending.createdAt()))
                .param("now", Timestamp.from(all.getLast().at()));
        TimelineSql.bindRoute(json, TimelineSql.bindEntries(statement, all), route)
                .update();
        announce(pending.tenantId(), pending.id(), "accepted", null, all.getFirst());
        if (status != Status.ACCEPTED) {
            announce(pending.tenantId(), pending.id(), status.wireName(), channel, all.getLast());
        }
    }

    /** Forgets a message whose acceptance could not be completed (the caller got an error, not a 202). */
    @Transactional
    public void forget(String tenantId, String id) {
        jdbc.sql("""
                        WITH gone AS (DELETE FROM messages WHERE tenant_id = :tenant AND id = :id)
                        DELETE FROM message_events WHERE tenant_id = :tenant AND message_id = :id
                        """).param("tenant", tenantId).param("id", id).update();
    }

    public Optional<StoredMessage> find(String tenantId, String id) {
        return jdbc.sql("SELECT * FROM messages WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(rows::map)
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
                .query(rows::map)
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
     * A channel's report: moves the message forward to {@code to}, and records the entry, only while it
     * is on {@code channel} short of {@code to}. Returns when the message was due, or empty, recording
     * nothing, when it is already at or past {@code to} or on another channel (a repeated or late event).
     * One statement: the common delivery event costs one round trip.
     */
    public Optional<Instant> advanceOn(String tenantId, String id, Status to, String channel, TimelineEntry entry) {
        List<TimelineEntry> entries = List.of(entry);
        var statement = jdbc.sql("""
                        WITH moved AS (
                            UPDATE messages SET status = :to, updated_at = :now
                            WHERE tenant_id = :tenant AND id = :id AND status IN (:from) AND channel = :channel
                            RETURNING tenant_id, id, COALESCE(scheduled_for, created_at) AS due),
                        logged AS (%s)
                        SELECT due FROM moved""".formatted(TimelineSql.insertEntries("moved", entries)))
                .param("to", to.wireName())
                .param("now", Timestamp.from(entry.at()))
                .param("tenant", tenantId)
                .param("id", id)
                .param("from", to.predecessors().stream().map(Status::wireName).toList())
                .param("channel", channel);
        Optional<Instant> due = TimelineSql.bindEntries(statement, entries)
                .query((rs, row) -> rs.getTimestamp("due").toInstant())
                .optional();
        due.ifPresent(at -> announce(tenantId, id, to.wireName(), channel, entry));
        return due;
    }

    /**
     * Moves a message to {@code to} only from one of {@code from}, and records the entries, atomically.
     * Returns false, recording nothing, when the message is in another state.
     */
    public boolean advanceFrom(
            String tenantId, String id, List<Status> from, Status to, String channel, List<TimelineEntry> entries) {
        return advanceFrom(tenantId, id, from, to, channel, entries, null);
    }

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
        String routeColumns = route == null ? "" : """
                , address = :address, scheduled_for = :scheduledFor, cap_max = :capMax, cap_per = :capPer,
                category_kind = :kind, dispatched_at = COALESCE(:dispatchedAt, dispatched_at)""";
        var statement = jdbc.sql("""
                        WITH moved AS (
                            UPDATE messages SET status = :to, channel = COALESCE(:channel, channel), updated_at = :now
                            %s
                            WHERE tenant_id = :tenant AND id = :id AND status IN (:from)
                            RETURNING tenant_id, id)
                        %s""".formatted(routeColumns, TimelineSql.insertEntries("moved", entries)))
                .param("to", to.wireName())
                .param("channel", channel)
                .param("now", Timestamp.from(entries.getLast().at()))
                .param("tenant", tenantId)
                .param("id", id)
                .param("from", from.stream().map(Status::wireName).toList());
        statement = TimelineSql.bindEntries(statement, entries);
        if (route != null) {
            statement = TimelineSql.bindRoute(json, statement, route);
        }
        if (statement.update() == 0) {
            return false;
        }
        announce(tenantId, id, to.wireName(), channel, entries.getLast());
        return true;
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
}
