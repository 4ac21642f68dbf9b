package io.relay.redis;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code redis.*}: the Redis server. Values and their environment variables: each service's application.yml. */
@ConfigurationProperties("redis")
public record RedisProperties(String host, int port, String password) {

    @Override
    public String toString() {
        return "redis://" + host + ":" + port + (password == null ? "" : " (with password)");
    }
}
