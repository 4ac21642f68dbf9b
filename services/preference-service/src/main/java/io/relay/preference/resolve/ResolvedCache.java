package io.relay.preference.resolve;

import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
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

    /** Where the current entry for this customer and category lives, given the counters now. */
    public String keyFor(String tenantId, String customerId, String category) {
        List<String> counters = redis.mget(epochKey(tenantId), generationKey(tenantId, customerId));
        return "preference:" + tenantId + ":resolved:" + customerId + ":" + category + ":e" + orZero(counters.get(0))
                + ":g" + orZero(counters.get(1));
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(redis.get(key));
    }

    public void put(String key, String json) {
        redis.set(key, json, SetParams.setParams().ex(ENTRY_TTL_SECONDS));
    }

    /** After any change to one customer's profile, choices or consent (call after commit). */
    public void invalidateCustomer(String tenantId, String customerId) {
        bump(generationKey(tenantId, customerId));
    }

    /** After a change to a tenant's categories, which every customer's choices depend on. */
    public void invalidateTenant(String tenantId) {
        bump(epochKey(tenantId));
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

    private static String orZero(String counter) {
        return counter == null ? "0" : counter;
    }
}
