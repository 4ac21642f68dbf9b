package io.relay.routing.message;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** A {@code messages} row read as a {@link StoredMessage}, and the small conversions every store of it needs. */
public final class MessageRows {

    public static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JsonMapper json;

    public MessageRows(JsonMapper json) {
        this.json = json;
    }

    public StoredMessage map(ResultSet rs, int row) throws SQLException {
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
                rs.getString("tenant_time_zone"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getString("traceparent"));
    }

    /** With {@link #idsOf}: ids are globally unique, so the two lists pick exactly these rows by key. */
    public static List<String> tenantsOf(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::tenantId).distinct().toList();
    }

    public static List<String> idsOf(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::id).toList();
    }

    public static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
