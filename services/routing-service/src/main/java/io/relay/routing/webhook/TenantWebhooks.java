package io.relay.routing.webhook;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Each tenant's status webhook, as the gateway last passed it with one of the tenant's requests. */
@Repository
public class TenantWebhooks {

    private final JdbcClient jdbc;

    public TenantWebhooks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Webhook(String url, String secret) {}

    public void remember(String tenantId, String url, String secret, Instant now) {
        jdbc.sql("""
                        INSERT INTO tenant_webhooks (tenant_id, url, secret, updated_at) VALUES (:tenant, :url, :secret, :now)
                        ON CONFLICT (tenant_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret,
                            updated_at = EXCLUDED.updated_at
                        WHERE tenant_webhooks.url <> EXCLUDED.url OR tenant_webhooks.secret <> EXCLUDED.secret
                        """)
                .param("tenant", tenantId)
                .param("url", url)
                .param("secret", secret)
                .param("now", Timestamp.from(now))
                .update();
    }

    public Optional<Webhook> find(String tenantId) {
        return jdbc.sql("SELECT url, secret FROM tenant_webhooks WHERE tenant_id = :tenant")
                .param("tenant", tenantId)
                .query((rs, row) -> new Webhook(rs.getString("url"), rs.getString("secret")))
                .optional();
    }
}
