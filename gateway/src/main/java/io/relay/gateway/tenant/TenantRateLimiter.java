package io.relay.gateway.tenant;

import io.relay.gateway.GatewayProperties;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * Requests per second per tenant, shared by every gateway replica through one counter per tenant and
 * second in Redis, without a Redis call per request: a replica takes a lease of a twentieth of the
 * limit from the counter and admits requests from it in memory. The counter only ever hands out the
 * limit, so all replicas together never admit more; a lease left unused at the end of a second is
 * lost, so with R replicas a tenant at its limit may be refused up to (R-1)/20 of it early. Once the
 * counter is spent, the replica refuses the tenant from memory for the rest of that second.
 */
@Component
public class TenantRateLimiter {

    private static final int LEASES_PER_SECOND = 20;

    // the second is in the counter's name; the expiry only clears old counters away, and is long enough
    // that Redis's own clock never ends a second the gateway's clock has not
    private static final String LEASE = """
            local n = redis.call('INCRBY', KEYS[1], ARGV[1])
            if n == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], 60) end
            return n
            """;

    /** Tokens this replica holds for one tenant in one second; {@code exhausted}: Redis has none left. */
    private record Lease(long second, AtomicLong remaining, boolean exhausted) {}

    public enum Decision {
        ADMIT,
        LIMIT,
        /** This replica holds no tokens for the tenant this second: {@link #acquire} asks Redis. */
        ASK_REDIS
    }

    private final JedisPooled redis;
    private final Clock clock;
    private final int defaultPerSecond;
    private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[64];

    public TenantRateLimiter(JedisPooled redis, Clock clock, GatewayProperties settings) {
        int defaultPerSecond = settings.gateway().rateLimitPerSecond();
        this.redis = redis;
        this.clock = clock;
        this.defaultPerSecond = defaultPerSecond;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /** The limit for a tenant whose own setting is {@code perSecond} (null or blank: the default). */
    public int limitFor(String perSecond) {
        return perSecond == null || perSecond.isBlank() ? defaultPerSecond : Integer.parseInt(perSecond);
    }

    /** From memory only, safe on the event loop. */
    public Decision tryAdmit(String tenantId) {
        Lease lease = leases.get(tenantId);
        if (lease == null || lease.second() != clock.instant().getEpochSecond()) {
            return Decision.ASK_REDIS;
        }
        if (lease.exhausted()) {
            return Decision.LIMIT;
        }
        return lease.remaining().getAndDecrement() > 0 ? Decision.ADMIT : Decision.ASK_REDIS;
    }

    /** True when this request is within the tenant's limit; blocking (may take a lease from Redis). */
    public boolean acquire(String tenantId, int limit) {
        synchronized (locks[Math.floorMod(tenantId.hashCode(), locks.length)]) {
            // another request may have taken a lease while this one waited for the lock
            Decision decision = tryAdmit(tenantId);
            if (decision != Decision.ASK_REDIS) {
                return decision == Decision.ADMIT;
            }
            long second = clock.instant().getEpochSecond();
            long size = Math.max(1, limit / LEASES_PER_SECOND);
            long counted = (Long)
                    redis.eval(LEASE, List.of("gateway:rate:" + tenantId + ":" + second), List.of(Long.toString(size)));
            long granted = Math.clamp(limit - (counted - size), 0, size);
            leases.put(tenantId, new Lease(second, new AtomicLong(granted - 1), granted == 0));
            return granted > 0;
        }
    }
}
