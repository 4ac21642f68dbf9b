package io.relay.routing.timeline;

import static io.relay.routing.message.MessageRows.timestamp;

import io.relay.routing.message.Route;
import io.relay.routing.message.TimelineEntry;
import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** The pieces {@link MessageStore}'s insert and status change share: timeline entries and route columns. */
final class TimelineSql {

    private TimelineSql() {}

    /**
     * A statement's last part: the entries, for each row (tenant_id, id) of the CTE {@code rows}, in
     * their order; bound by {@link #bindEntries}.
     */
    static String insertEntries(String rows, List<TimelineEntry> entries) {
        return """
                INSERT INTO message_events (tenant_id, message_id, at, event, channel, reason)
                SELECT %1$s.tenant_id, %1$s.id, e.at, e.event, e.channel, e.reason
                FROM %1$s CROSS JOIN (VALUES %2$s) AS e (at, event, channel, reason, n)
                ORDER BY e.n
                """.formatted(rows, entryValues(entries));
    }

    /** The entries as a VALUES list, bound by {@link #bindEntries}, numbered in their order. */
    private static String entryValues(List<TimelineEntry> entries) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < entries.size(); i++) {
            values.append(i == 0 ? "" : ", ")
                    .append("(CAST(:at%1$d AS timestamptz), CAST(:event%1$d AS text), CAST(:channel%1$d AS text),"
                            .formatted(i))
                    .append(" CAST(:reason%1$d AS text), %1$d)".formatted(i));
        }
        return values.toString();
    }

    static JdbcClient.StatementSpec bindEntries(JdbcClient.StatementSpec statement, List<TimelineEntry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            TimelineEntry entry = entries.get(i);
            statement = statement
                    .param("at" + i, Timestamp.from(entry.at()))
                    .param("event" + i, entry.event())
                    .param("channel" + i, entry.channel())
                    .param("reason" + i, entry.reason());
        }
        return statement;
    }

    /** The route's columns; all null when there is none. */
    static JdbcClient.StatementSpec bindRoute(JsonMapper json, JdbcClient.StatementSpec statement, Route route) {
        return statement
                .param("address", route == null ? null : json.writeValueAsString(route.addresses()))
                .param("scheduledFor", route == null ? null : timestamp(route.scheduledFor()))
                .param("capMax", route == null ? null : route.capMax())
                .param("capPer", route == null ? null : route.capPer())
                .param("kind", route == null ? null : route.categoryKind())
                .param("dispatchedAt", route == null ? null : timestamp(route.dispatchedAt()));
    }
}
