package io.relay.sms.account;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.providers.*}: the key tenants' provider credentials are sealed under (shared with the
 * gateway), the keys they may still be sealed under during a rotation, and how long a tenant's order of
 * accounts is used before the gateway is asked again. Values and variables: application.yml.
 */
@ConfigurationProperties("relay.providers")
public record ProvidersProperties(String secretsKey, String secretsKeysPrevious, Duration cacheTtl) {

    @Override
    public String toString() {
        return "ProvidersProperties[cache " + cacheTtl + ", keys hidden]";
    }
}
