package io.relay.redis;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/** One pooled Jedis client per service. */
@AutoConfiguration
@EnableConfigurationProperties(RedisProperties.class)
public class RedisAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    JedisPooled jedis(RedisProperties properties) {
        DefaultJedisClientConfig.Builder config =
                DefaultJedisClientConfig.builder().timeoutMillis(2_000).clientName("relay");
        if (properties.password() != null && !properties.password().isBlank()) {
            config.password(properties.password());
        }
        // commons-pool's default of 8 connections queues a busy gateway's requests behind each other
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMinIdle(4);
        return new JedisPooled(new HostAndPort(properties.host(), properties.port()), config.build(), pool);
    }

    /** Readiness: Redis answers PING. */
    @Bean("redis")
    HealthIndicator redisHealthIndicator(JedisPooled jedis) {
        return () -> {
            try {
                return "PONG".equals(jedis.ping())
                        ? Health.up().build()
                        : Health.down()
                                .withDetail("reason", "unexpected PING answer")
                                .build();
            } catch (RuntimeException e) {
                return Health.down()
                        .withDetail("reason", e.getClass().getSimpleName())
                        .build();
            }
        };
    }
}
