package io.relay.routing.template;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Templates in PostgreSQL, per tenant. */
@Repository
public class TemplateStore {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public TemplateStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public boolean upsert(String tenantId, String id, Template template, Instant now) {
        return jdbc.sql("""
                        INSERT INTO templates (tenant_id, id, body, updated_at)
                        VALUES (:tenant, :id, CAST(:body AS jsonb), :now)
                        ON CONFLICT (tenant_id, id) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at
                        RETURNING (xmax = 0) AS inserted
                        """)
                .param("tenant", tenantId)
                .param("id", id)
                .param("body", json.writeValueAsString(template))
                .param("now", Timestamp.from(now))
                .query(Boolean.class)
                .single();
    }

    public Optional<Template> find(String tenantId, String id) {
        return jdbc.sql("SELECT body FROM templates WHERE tenant_id = :tenant AND id = :id")
                .param("tenant", tenantId)
                .param("id", id)
                .query(String.class)
                .optional()
                .map(body -> json.readValue(body, Template.class));
    }
}
