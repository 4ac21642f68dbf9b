package io.relay.gateway;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's settings ({@code relay.internal-token}, {@code relay.gateway.*}). Values and the
 * environment variables that set them: application.yml; docs/configuration.md lists them.
 *
 * @param internalToken the services' proof that a request's tenant header came from here
 */
@Validated
@ConfigurationProperties("relay")
public record GatewayProperties(
        @NotNull String internalToken, @Valid @NotNull Gateway gateway) {

    /**
     * @param routingUrl routing-service, where webhook changes are pushed
     * @param maxBodySize the largest request body taken; larger is 413
     * @param adminPort the operator listener's port (0: any free one)
     * @param adminAddress the operator listener's address
     * @param adminToken the operator token; empty refuses every operator request
     * @param webhookAllowedHosts host:port receivers that may take webhooks over http or at an internal address
     * @param rateLimitPerSecond a tenant's requests per second unless its own setting says otherwise
     * @param perAddressRateLimit requests per second per client address where no API key is asked
     * @param trustedProxies CIDR ranges whose X-Forwarded-For names the client
     * @param smsDefaultCountries the countries a tenant without its own list may text ({@code *}: any)
     * @param keyMemory how long an admitted API key is remembered before it is looked up again
     * @param preferenceCentreOrigin the one origin allowed cross-origin calls to /v1/me/**
     * @param bootstrapApiKey a key for the bootstrap tenant given by configuration; empty for none
     * @param bootstrapTenantId the tenant that key belongs to
     */
    public record Gateway(
            @NotNull String routingUrl,
            @NotNull DataSize maxBodySize,
            @Min(0) @Max(65535) int adminPort,
            @NotNull String adminAddress,
            String adminToken,
            String webhookAllowedHosts,
            @Min(1) int rateLimitPerSecond,
            @Min(1) int perAddressRateLimit,
            String trustedProxies,
            String smsDefaultCountries,
            @NotNull Duration keyMemory,
            @NotNull String preferenceCentreOrigin,
            String bootstrapApiKey,
            String bootstrapTenantId) {

        public Gateway {
            if (bootstrapApiKey != null && bootstrapApiKey.isBlank()) {
                bootstrapApiKey = null;
            }
            if (bootstrapApiKey != null && bootstrapApiKey.length() < 12) {
                throw new IllegalArgumentException(
                        "relay.gateway.bootstrap-api-key must be at least 12 characters long");
            }
            if (bootstrapTenantId == null || !bootstrapTenantId.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(
                        "relay.gateway.bootstrap-tenant-id must be 1-64 letters, digits or ._-");
            }
        }

        @Override
        public String toString() {
            return "Gateway[admin=" + adminAddress + ":" + adminPort + ", bootstrap tenant=" + bootstrapTenantId
                    + ", tokens and keys hidden]";
        }
    }
}
