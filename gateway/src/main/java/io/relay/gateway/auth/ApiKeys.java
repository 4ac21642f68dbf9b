package io.relay.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Which tenant an API key belongs to. Only a SHA-256 hash of the key is kept in memory, and
 * presented keys are compared by hash in constant time.
 */
@Component
public class ApiKeys {

    private final byte[] keyHash;
    private final String tenantId;

    public ApiKeys(BootstrapKeyProperties properties) {
        this.keyHash = sha256(properties.bootstrapApiKey());
        this.tenantId = properties.bootstrapTenantId();
    }

    public Optional<String> tenantOf(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 256) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(keyHash, sha256(presentedKey)) ? Optional.of(tenantId) : Optional.empty();
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
