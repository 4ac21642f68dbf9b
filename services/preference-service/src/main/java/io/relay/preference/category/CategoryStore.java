package io.relay.preference.category;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Categories in PostgreSQL, per tenant. */
@Repository
public class CategoryStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public CategoryStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Creates or replaces; true when it is new. */
    public boolean upsert(String tenantId, Category category, Instant now) {
        return jdbc.sql("""
                        INSERT INTO categories (tenant_id, name, description, kind, default_channels, urgent_allowed,
                                                cap_max, cap_per, created_at, updated_at)
                        VALUES (:tenant, :name, :description, :kind, CAST(:channels AS jsonb), :urgent,
                                :capMax, :capPer, :now, :now)
                        ON CONFLICT (tenant_id, name) DO UPDATE SET
                            description = EXCLUDED.description, kind = EXCLUDED.kind,
                            default_channels = EXCLUDED.default_channels, urgent_allowed = EXCLUDED.urgent_allowed,
                            cap_max = EXCLUDED.cap_max, cap_per = EXCLUDED.cap_per, updated_at = EXCLUDED.updated_at
                        RETURNING (xmax = 0) AS inserted
                        """)
                .param("tenant", tenantId)
                .param("name", category.category())
                .param("description", category.description())
                .param("kind", category.kind())
                .param("channels", json.writeValueAsString(category.defaultChannels()))
                .param("urgent", category.urgentAllowed())
                .param(
                        "capMax",
                        category.frequencyCap() == null
                                ? null
                                : category.frequencyCap().max())
                .param(
                        "capPer",
                        category.frequencyCap() == null
                                ? null
                                : category.frequencyCap().per())
                .param("now", Timestamp.from(now))
                .query(Boolean.class)
                .single();
    }

    public Optional<Category> find(String tenantId, String name) {
        return jdbc.sql("SELECT * FROM categories WHERE tenant_id = :tenant AND name = :name")
                .param("tenant", tenantId)
                .param("name", name)
                .query(this::map)
                .optional();
    }

    public List<Category> list(String tenantId) {
        return jdbc.sql("SELECT * FROM categories WHERE tenant_id = :tenant ORDER BY name")
                .param("tenant", tenantId)
                .query(this::map)
                .list();
    }

    private Category map(ResultSet rs, int row) throws SQLException {
        int capMax = rs.getInt("cap_max");
        Category.FrequencyCap cap = rs.wasNull() ? null : new Category.FrequencyCap(capMax, rs.getString("cap_per"));
        return new Category(
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("kind"),
                json.readValue(rs.getString("default_channels"), STRINGS),
                rs.getBoolean("urgent_allowed"),
                cap);
    }
}
