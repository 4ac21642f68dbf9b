package io.relay.routing.delivery;

import io.relay.routing.message.MessageRows;
import io.relay.routing.message.Status;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a delivery event needs of its message, and no more: not the stored request (a JSON document
 * parsed for nothing on every "sent" and "delivered" under load), only where the message stands.
 */
@Repository
class DeliveryStates {

    /** Its status, its current channel, the channels already tried, and when it was due. */
    record State(Status status, String channel, List<String> triedChannels, Instant due) {}

    private final JdbcClient jdbc;
    private final JsonMapper json;

    DeliveryStates(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    Optional<State> find(String tenantId, String id) {
        return jdbc.sql("""
                        SELECT status, channel, tried_channels, COALESCE(scheduled_for, created_at) AS due
                        FROM messages WHERE tenant_id = :tenant AND id = :id
                        """)
                .param("tenant", tenantId)
                .param("id", id)
                .query((rs, row) -> new State(
                        Status.fromWire(rs.getString("status")),
                        rs.getString("channel"),
                        json.readValue(rs.getString("tried_channels"), MessageRows.STRINGS),
                        rs.getTimestamp("due").toInstant()))
                .optional();
    }
}
