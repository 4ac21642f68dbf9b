package io.relay.gateway.auth;

import io.relay.gateway.GatewayProperties;
import io.relay.gateway.tenant.TenantStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The bootstrap key's tenant. Only the key's SHA-256 is kept in memory, and a presented key's hash is
 * compared with it in constant time.
 */
@Component
public class ApiKeys {

    private final byte[] keyHash;
    private final String tenantId;

    public ApiKeys(GatewayProperties settings) {
        GatewayProperties.Gateway properties = settings.gateway();
        this.keyHash = properties.bootstrapApiKey() == null
                ? null
                : TenantStore.sha256(properties.bootstrapApiKey()).getBytes(StandardCharsets.US_ASCII);
        this.tenantId = properties.bootstrapTenantId();
    }

    /** The bootstrap tenant when {@code presentedKeyHash} (hex SHA-256, as {@link TenantStore#sha256}) is its key's. */
    public Optional<String> tenantOfHash(String presentedKeyHash) {
        return keyHash != null && MessageDigest.isEqual(keyHash, presentedKeyHash.getBytes(StandardCharsets.US_ASCII))
                ? Optional.of(tenantId)
                : Optional.empty();
    }
}
