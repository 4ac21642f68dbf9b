package io.relay.routing.accept;

import io.relay.web.QuotaExceededException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * A tenant's daily SMS quota (smsDailyQuota, a tenant setting): the messages that may go by SMS accepted
 * today (UTC), counted in Redis across replicas. Past the quota an accept is refused with 429 until
 * midnight UTC, so a leaked key cannot pump paid sends.
 */
@Component
public class SmsQuota {

    private final JedisPooled redis;

    public SmsQuota(JedisPooled redis) {
        this.redis = redis;
    }

    /** Counts one SMS-capable message against {@code quota} (null: none); 429 when it is spent. */
    public void take(String tenantId, Integer quota, Instant now) {
        if (quota == null) {
            return;
        }
        String key = key(tenantId, now);
        long used = redis.incr(key);
        if (used == 1) {
            redis.expire(key, Duration.ofDays(2).toSeconds());
        }
        if (used > quota) {
            redis.decr(key);
            Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC)
                    .plusDays(1)
                    .atStartOfDay()
                    .toInstant(ZoneOffset.UTC);
            throw new QuotaExceededException(
                    "this tenant's daily SMS quota of " + quota + " messages is spent; it resets at " + midnight,
                    midnight);
        }
    }

    /** Gives one back: the message it was taken for was not accepted after all. */
    public void giveBack(String tenantId, Integer quota, Instant now) {
        if (quota != null) {
            redis.decr(key(tenantId, now));
        }
    }

    private static String key(String tenantId, Instant now) {
        return "routing:sms-quota:" + tenantId + ":" + LocalDate.ofInstant(now, ZoneOffset.UTC);
    }
}
