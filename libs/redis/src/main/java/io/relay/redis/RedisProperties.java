package io.relay.redis;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Bound from REDIS_HOST, REDIS_PORT, REDIS_PASSWORD. */
@ConfigurationProperties("redis")
public record RedisProperties(
        @DefaultValue("localhost") String host,
        @DefaultValue("6379") int port,
        String password) {

    @Override
    public String toString() {
        return "redis://" + host + ":" + port + (password == null ? "" : " (with password)");
    }
}
