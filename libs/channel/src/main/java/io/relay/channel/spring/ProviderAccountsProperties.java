package io.relay.channel.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.providers.*}: the key tenants' provider credentials are sealed under (shared with the
 * gateway), the keys they may still be sealed under during a rotation, how long a tenant's order of
 * accounts is used before the gateway is asked again, and the {@code host:port}s a tenant's account may
 * name at an internal address (a local run's or a test's simulators; none in production). Values and
 * variables: each channel service's application.yml.
 */
@ConfigurationProperties("relay.providers")
public record ProviderAccountsProperties(
        String secretsKey, String secretsKeysPrevious, Duration cacheTtl, String allowedHosts) {

    @Override
    public String toString() {
        return "ProviderAccountsProperties[cache " + cacheTtl + ", keys hidden]";
    }
}
