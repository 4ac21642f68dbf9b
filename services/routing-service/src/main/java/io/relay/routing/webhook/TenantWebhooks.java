package io.relay.routing.webhook;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Each tenant's status webhook, as the gateway last passed it with one of the tenant's message
 * requests. Every status change asks whether its tenant has one, so answers are kept in memory for
 * {@link #KEPT_FOR}: a change made through this replica applies at once, one made through another
 * replica within that time.
 */
@Repository
public class TenantWebhooks {

    /** How long this replica trusts what it last read from the database. */
    public static final Duration KEPT_FOR = Duration.ofSeconds(5);

    private static final int MAX_TENANTS_KEPT = 10_000;

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    public TenantWebhooks(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public record Webhook(String url, String secret) {}

    private record Kept(Optional<Webhook> webhook, Instant until) {}

    /** Records the tenant's webhook; a blank url forgets it (the tenant cleared its webhookUrl). */
    public void remember(String tenantId, String url, String secret, Instant now) {
        Optional<Webhook> latest = url == null || url.isBlank() || secret == null || secret.isBlank()
                ? Optional.empty()
                : Optional.of(new Webhook(url, secret));
        Kept known = kept.get(tenantId);
        if (known != null && known.until().isAfter(now) && known.webhook().equals(latest)) {
            return; // the usual case: nothing changed, no database round trip
        }
        if (latest.isEmpty()) {
            jdbc.sql("DELETE FROM tenant_webhooks WHERE tenant_id = :tenant")
                    .param("tenant", tenantId)
                    .update();
        } else {
            jdbc.sql("""
                            INSERT INTO tenant_webhooks (tenant_id, url, secret, updated_at)
                            VALUES (:tenant, :url, :secret, :now)
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
        keep(tenantId, latest, now);
    }

    public Optional<Webhook> find(String tenantId) {
        Instant now = clock.instant();
        Kept known = kept.get(tenantId);
        if (known != null && known.until().isAfter(now)) {
            return known.webhook();
        }
        Optional<Webhook> stored = jdbc.sql("SELECT url, secret FROM tenant_webhooks WHERE tenant_id = :tenant")
                .param("tenant", tenantId)
                .query((rs, row) -> new Webhook(rs.getString("url"), rs.getString("secret")))
                .optional();
        keep(tenantId, stored, now);
        return stored;
    }

    private void keep(String tenantId, Optional<Webhook> webhook, Instant now) {
        if (kept.size() >= MAX_TENANTS_KEPT) {
            kept.clear(); // a bound on memory, not an eviction policy: the next reads refill it
        }
        kept.put(tenantId, new Kept(webhook, now.plus(KEPT_FOR)));
    }
}
