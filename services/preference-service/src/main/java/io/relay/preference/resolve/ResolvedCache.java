package io.relay.preference.resolve;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;

/**
 * Read-through cache of resolved choices in Redis. Entries are keyed by a per-customer generation and
 * a per-tenant epoch; a change bumps one of them, so every reader after the change misses and reads
 * PostgreSQL, and an entry a slow reader writes late lands under the old generation, where nobody
 * looks.
 */
@Component
public class ResolvedCache {

    static final long ENTRY_TTL_SECONDS = 600;
    // longer than any entry lives, so an expired counter can never bring an old entry back
    private static final long COUNTER_TTL_SECONDS = 86_400;

    private final JedisPooled redis;

    public ResolvedCache(JedisPooled redis) {
        this.redis = redis;
    }

    // one round trip: read both counters, build the entry's key, read the entry (standalone Redis;
    // the entry key is derived inside the script, which a Redis Cluster would not allow)
    private static final String LOOKUP = """
            local e = redis.call('GET', KEYS[1]) or '0'
            local g = redis.call('GET', KEYS[2]) or '0'
            local k = ARGV[1] .. ':e' .. e .. ':g' .. g
            return {k, redis.call('GET', k)}
            """;

    /** The current entry's key (to put a fresh value under) and its value, if cached. */
    public record Lookup(String key, Optional<String> value) {}

    public Lookup lookup(String tenantId, String customerId, String category) {
        Object reply = redis.eval(
                LOOKUP,
                List.of(epochKey(tenantId), generationKey(tenantId, customerId)),
                List.of("preference:" + tenantId + ":resolved:" + customerId + ":" + category));
        List<?> parts = (List<?>) reply;
        Object value = parts.size() > 1 ? parts.get(1) : null;
        return new Lookup(text(parts.get(0)), Optional.ofNullable(value).map(ResolvedCache::text));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes
                ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : value.toString();
    }

    public void put(String key, String json) {
        redis.set(key, json, SetParams.setParams().ex(ENTRY_TTL_SECONDS));
    }

    /** After any change to one customer's profile, choices or consent (announced after commit). */
    @org.springframework.context.event.EventListener
    public void customerChanged(io.relay.preference.change.Changes.CustomerChanged change) {
        bump(generationKey(change.tenantId(), change.customerId()));
    }

    /** An erased customer's cached choices (their addresses among them) go at once, not on their TTL. */
    @org.springframework.context.event.EventListener
    public void customerErased(io.relay.preference.change.Changes.CustomerErased erased) {
        String pattern = "preference:" + erased.tenantId() + ":resolved:" + glob(erased.customerId()) + ":*";
        ScanParams params = new ScanParams().match(pattern).count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var page = redis.scan(cursor, params);
            if (!page.getResult().isEmpty()) {
                redis.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    /** A customer id as a literal in a SCAN pattern. */
    private static String glob(String text) {
        return text.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
    }

    /** After a change to a tenant's categories, which every customer's choices depend on. */
    @org.springframework.context.event.EventListener
    public void categoriesChanged(io.relay.preference.change.Changes.CategoriesChanged change) {
        bump(epochKey(change.tenantId()));
    }

    /** After a change to a tenant's suppression list: whoever holds the address, their choices change. */
    @org.springframework.context.event.EventListener
    public void suppressionsChanged(io.relay.preference.change.Changes.SuppressionsChanged change) {
        bump(epochKey(change.tenantId()));
    }

    private void bump(String key) {
        redis.incr(key);
        redis.expire(key, COUNTER_TTL_SECONDS);
    }

    private static String epochKey(String tenantId) {
        return "preference:" + tenantId + ":epoch";
    }

    private static String generationKey(String tenantId, String customerId) {
        return "preference:" + tenantId + ":gen:" + customerId;
    }
}
