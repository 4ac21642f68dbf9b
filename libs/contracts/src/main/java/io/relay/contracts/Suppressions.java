package io.relay.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the suppression list's copy lives in Redis: preference-service keeps the list (PostgreSQL)
 * and writes one key per suppressed address; the channel services read it right before each provider
 * call, so a dispatch already in a retry queue obeys a STOP too. The address is hashed: the key names
 * no one.
 */
public final class Suppressions {

    private Suppressions() {}

    /** {@code suppressed:<tenant>:<channel>:<sha-256 of the normalised address>} */
    public static String redisKey(String tenantId, String channel, String address) {
        return "suppressed:" + tenantId + ":" + channel + ":" + addressHash(channel, address);
    }

    /**
     * {@code erased:<tenant>:<sha-256 of the customer id>}: set by preference-service when it erases a
     * customer, read by the channel services before each provider call, so a dispatch already in a
     * retry queue is never sent to an erased customer. The id is hashed: the key names no one.
     */
    public static String erasedKey(String tenantId, String customerId) {
        return "erased:" + tenantId + ":" + sha256(customerId);
    }

    /** The key of an address suppressed only for marketing (a spam complaint) when {@code marketing}. */
    public static String redisKey(String tenantId, String channel, String address, boolean marketing) {
        return redisKey(tenantId, channel, address) + (marketing ? ":marketing" : "");
    }

    /** An address as the list keeps it: an email address in lower case, a number or token as it is. */
    public static String normalise(String channel, String address) {
        return "email".equals(channel) ? address.strip().toLowerCase(java.util.Locale.ROOT) : address.strip();
    }

    /** The hex SHA-256 of the normalised address: how the list finds an address, also once erased. */
    public static String addressHash(String channel, String address) {
        return sha256(normalise(channel, address));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
