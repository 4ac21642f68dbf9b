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
 * Each tenant's status webhook as the gateway last said it: pushed when the operator changes it (see
 * {@link TenantWebhookController}) and repeated with each of the tenant's message requests. Each
 * statement carries the gateway's count of the tenant's settings changes; an older one never replaces
 * a newer one, so a request admitted on a gateway replica's stale view cannot bring back a webhook the
 * operator changed or cleared. Every status change asks whether its tenant has one, so answers are
 * kept in memory for {@link #KEPT_FOR}: a change made through this replica applies at once, one made
 * through another replica within that time.
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

    private record Kept(Optional<Webhook> webhook, long version, Instant until) {}

    /**
     * Records the tenant's webhook as of the gateway's settings {@code version}; a blank url means the
     * tenant has none (it cleared its webhookUrl). Ignored when a newer version is already recorded.
     */
    public void remember(String tenantId, String url, String secret, long version, Instant now) {
        Optional<Webhook> latest = url == null || url.isBlank() || secret == null || secret.isBlank()
                ? Optional.empty()
                : Optional.of(new Webhook(url, secret));
        Kept known = kept.get(tenantId);
        if (known != null
                && known.until().isAfter(now)
                && (known.version() > version
                        || known.version() == version && known.webhook().equals(latest))) {
            return; // the usual case: nothing new, no database round trip
        }
        // the same version with other values comes only from before versions (0): the later word wins
        jdbc.sql("""
                        INSERT INTO tenant_webhooks (tenant_id, url, secret, version, updated_at)
                        VALUES (:tenant, :url, :secret, :version, :now)
                        ON CONFLICT (tenant_id) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret,
                            version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
                        WHERE tenant_webhooks.version < EXCLUDED.version
                           OR tenant_webhooks.version = EXCLUDED.version
                              AND (tenant_webhooks.url IS DISTINCT FROM EXCLUDED.url
                                   OR tenant_webhooks.secret IS DISTINCT FROM EXCLUDED.secret)
                        """)
                .param("tenant", tenantId)
                .param("url", latest.map(Webhook::url).orElse(null))
                .param("secret", latest.map(Webhook::secret).orElse(null))
                .param("version", version)
                .param("now", Timestamp.from(now))
                .update();
        read(tenantId, now);
    }

    public Optional<Webhook> find(String tenantId) {
        Instant now = clock.instant();
        Kept known = kept.get(tenantId);
        if (known != null && known.until().isAfter(now)) {
            return known.webhook();
        }
        return read(tenantId, now).webhook();
    }

    private Kept read(String tenantId, Instant now) {
        Kept stored = jdbc.sql("SELECT url, secret, version FROM tenant_webhooks WHERE tenant_id = :tenant")
                .param("tenant", tenantId)
                .query((rs, row) -> new Kept(
                        rs.getString("url") == null
                                ? Optional.empty()
                                : Optional.of(new Webhook(rs.getString("url"), rs.getString("secret"))),
                        rs.getLong("version"),
                        now.plus(KEPT_FOR)))
                .optional()
                .orElse(new Kept(Optional.empty(), -1, now.plus(KEPT_FOR)));
        if (kept.size() >= MAX_TENANTS_KEPT) {
            kept.clear(); // a bound on memory, not an eviction policy: the next reads refill it
        }
        kept.put(tenantId, stored);
        return stored;
    }
}
