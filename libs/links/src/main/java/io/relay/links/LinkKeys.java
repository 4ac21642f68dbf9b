package io.relay.links;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HMAC keys for customer links. LINK_SIGNING_KEY signs new links; keys listed in
 * LINK_SIGNING_KEYS_PREVIOUS (comma-separated) still verify old ones, so a key can be rotated without
 * breaking links already sent. Each key is known by a short id derived from it; the keys themselves
 * never leave this class.
 */
public class LinkKeys {

    private static final Logger log = LoggerFactory.getLogger(LinkKeys.class);

    private final String currentId;
    private final Map<String, byte[]> keys = new LinkedHashMap<>();

    public LinkKeys(String current, String previous) {
        if (current == null || current.length() < 16) {
            throw new IllegalArgumentException("LINK_SIGNING_KEY must be at least 16 characters");
        }
        this.currentId = idOf(current);
        keys.put(currentId, current.getBytes(StandardCharsets.UTF_8));
        for (String old : previous.split(",")) {
            if (!old.isBlank()) {
                keys.putIfAbsent(idOf(old.trim()), old.trim().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    public String currentId() {
        return currentId;
    }

    public byte[] sign(String keyId, String data) {
        return hmac(keys.get(keyId), data);
    }

    /** True when {@code signature} is the HMAC of {@code data} under the key {@code keyId} still accepted. */
    public boolean verify(String keyId, String data, byte[] signature) {
        return Optional.ofNullable(keys.get(keyId))
                .map(key -> MessageDigest.isEqual(hmac(key, data), signature))
                .orElse(false);
    }

    /** A keyed, one-way fingerprint of a value (used to pseudonymise erased customers). */
    public String fingerprint(String value) {
        return HexFormat.of().formatHex(Arrays.copyOf(hmac(keys.get(currentId), "fingerprint:" + value), 16));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String idOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
