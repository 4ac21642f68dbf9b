package io.relay.gateway.tenant;

import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * Requests per second per tenant, counted in Redis so every gateway replica shares the count: one
 * atomic script increments this second's counter and gives it a short expiry.
 */
@Component
public class TenantRateLimiter {

    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('EXPIRE', KEYS[1], 2) end
            return n
            """;

    private final JedisPooled redis;
    private final Clock clock;
    private final int defaultPerSecond;

    public TenantRateLimiter(
            JedisPooled redis, Clock clock, @Value("${relay.gateway.rate-limit-per-second:100}") int defaultPerSecond) {
        this.redis = redis;
        this.clock = clock;
        this.defaultPerSecond = defaultPerSecond;
    }

    /** The limit for a tenant whose own setting is {@code perSecond} (null: the default). */
    public int limitFor(Integer perSecond) {
        return perSecond == null ? defaultPerSecond : perSecond;
    }

    public long currentSecond() {
        return clock.instant().getEpochSecond();
    }

    /** True when this request is within the tenant's limit ({@code perSecond}, or the default when null). */
    public boolean allow(String tenantId, Integer perSecond) {
        long second = clock.instant().getEpochSecond();
        long n = (Long) redis.eval(COUNT, List.of("gateway:rate:" + tenantId + ":" + second), List.of());
        return n <= (perSecond == null ? defaultPerSecond : perSecond);
    }
}
