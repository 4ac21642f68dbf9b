package io.relay.gateway.auth;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * BOOTSTRAP_API_KEY and BOOTSTRAP_TENANT_ID: one key given by configuration for one tenant (a local run's
 * {@code local-dev-key}); none when the key is unset. Outside a local run a set key must be a secret of the
 * operator's own (libs/security).
 */
@ConfigurationProperties("relay.gateway")
public record BootstrapKeyProperties(String bootstrapApiKey, String bootstrapTenantId) {

    public BootstrapKeyProperties {
        if (bootstrapApiKey != null && bootstrapApiKey.isBlank()) {
            bootstrapApiKey = null;
        }
        if (bootstrapApiKey != null && bootstrapApiKey.length() < 12) {
            throw new IllegalArgumentException("BOOTSTRAP_API_KEY must be at least 12 characters long");
        }
        if (bootstrapTenantId == null || !bootstrapTenantId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("BOOTSTRAP_TENANT_ID must be 1-64 letters, digits or ._-");
        }
    }

    @Override
    public String toString() {
        return "BootstrapKeyProperties[tenant=" + bootstrapTenantId + ", key=<hidden>]";
    }
}
