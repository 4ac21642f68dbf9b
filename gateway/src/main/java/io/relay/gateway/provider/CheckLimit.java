package io.relay.gateway.provider;

import java.time.Clock;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * Credential checks per tenant: at most {@value #PER_MINUTE} a minute, counted in Redis across gateway
 * replicas. Each check is a call to a provider from our addresses; without a limit of its own, a leaked API
 * key could try stolen credentials against Twilio at the tenant's whole request rate.
 */
@Component
class CheckLimit {

    static final int PER_MINUTE = 10;

    private final JedisPooled redis;
    private final Clock clock;

    CheckLimit(JedisPooled redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Counts one check; false when the tenant has had its checks for this minute. */
    boolean admit(String tenantId) {
        long minute = clock.millis() / 60_000;
        String key = "gateway:provider-checks:" + tenantId + ":" + minute;
        long count = redis.incr(key);
        if (count == 1) {
            redis.expire(key, 120);
        }
        return count <= PER_MINUTE;
    }
}
