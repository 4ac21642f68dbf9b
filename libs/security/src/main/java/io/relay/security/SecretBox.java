package io.relay.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption for secrets kept in a database (a tenant's provider credentials): every record
 * gets its own random data key, which encrypts the secret (AES-256-GCM); the data key is stored wrapped
 * by the key-encryption key ({@code PROVIDER_SECRETS_KEY}, AES-256-GCM) together with that key's id.
 * Rotation re-wraps data keys only ({@link #rewrap}): a record sealed under a previous key
 * ({@code PROVIDER_SECRETS_KEYS_PREVIOUS}) is still opened while it waits.
 *
 * <p>Both ciphertexts are bound to the record they belong to (its {@code context}, e.g. tenant and
 * account id) as additional authenticated data: a sealed secret copied onto another record does not open.
 *
 * <p>A key is given as text of at least {@value RequiredSecrets#MIN_LENGTH} characters (e.g.
 * {@code openssl rand -base64 32}); the 256-bit AES key is its SHA-256. Its id is the first eight bytes of
 * a second, separate hash, so the id reveals nothing about the key.
 */
public final class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What is stored for one record: the key-encryption key's id, the wrapped data key, the secret. */
    public record Sealed(String keyId, byte[] wrappedKey, byte[] ciphertext) {

        @Override
        public boolean equals(Object other) {
            return other instanceof Sealed s
                    && keyId.equals(s.keyId)
                    && Arrays.equals(wrappedKey, s.wrappedKey)
                    && Arrays.equals(ciphertext, s.ciphertext);
        }

        @Override
        public int hashCode() {
            return keyId.hashCode() * 31 + Arrays.hashCode(ciphertext);
        }

        @Override
        public String toString() {
            return "Sealed[key " + keyId + ", contents hidden]";
        }
    }

    /** The record's key id names no key this box holds: it was sealed under a key since dropped. */
    public static final class UnknownKeyException extends RuntimeException {
        public UnknownKeyException(String keyId) {
            super("sealed under key " + keyId + ", which is neither PROVIDER_SECRETS_KEY nor one of"
                    + " PROVIDER_SECRETS_KEYS_PREVIOUS");
        }
    }

    private final String currentId;
    private final Map<String, SecretKeySpec> keys;

    /**
     * @param current the key new records are sealed under
     * @param previous keys records may still be sealed under (comma-separated text, may be null or empty)
     */
    public SecretBox(String current, String previous) {
        if (current == null || current.isBlank()) {
            throw new IllegalArgumentException("PROVIDER_SECRETS_KEY is not set");
        }
        Map<String, SecretKeySpec> all = new LinkedHashMap<>();
        currentId = keyId(current.strip());
        all.put(currentId, aesKey(current.strip()));
        for (String old : previousKeys(previous)) {
            all.putIfAbsent(keyId(old), aesKey(old));
        }
        this.keys = Map.copyOf(all);
    }

    static List<String> previousKeys(String previous) {
        List<String> keys = new ArrayList<>();
        if (previous != null) {
            for (String key : previous.split(",")) {
                if (!key.isBlank()) {
                    keys.add(key.strip());
                }
            }
        }
        return keys;
    }

    /** The id of the key new records are sealed under. */
    public String currentKeyId() {
        return currentId;
    }

    /** Seals {@code secret} for the record named by {@code context}, under the current key. */
    public Sealed seal(String secret, String context) {
        byte[] dataKey = new byte[32];
        RANDOM.nextBytes(dataKey);
        byte[] ciphertext = encrypt(
                new SecretKeySpec(dataKey, "AES"), secret.getBytes(StandardCharsets.UTF_8), aad("data", context));
        byte[] wrapped = encrypt(keys.get(currentId), dataKey, aad("key:" + currentId, context));
        Arrays.fill(dataKey, (byte) 0);
        return new Sealed(currentId, wrapped, ciphertext);
    }

    /**
     * The secret sealed for {@code context}.
     *
     * @throws UnknownKeyException when its key is not held here
     * @throws IllegalStateException when it does not open: altered, or sealed for another record
     */
    public String open(Sealed sealed, String context) {
        byte[] dataKey = unwrap(sealed, context);
        try {
            return new String(
                    decrypt(new SecretKeySpec(dataKey, "AES"), sealed.ciphertext(), aad("data", context)),
                    StandardCharsets.UTF_8);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Whether the record is sealed under a key other than the current one. */
    public boolean stale(Sealed sealed) {
        return !currentId.equals(sealed.keyId());
    }

    /** The same secret with its data key wrapped under the current key; the ciphertext is unchanged. */
    public Sealed rewrap(Sealed sealed, String context) {
        if (!stale(sealed)) {
            return sealed;
        }
        byte[] dataKey = unwrap(sealed, context);
        try {
            return new Sealed(
                    currentId,
                    encrypt(keys.get(currentId), dataKey, aad("key:" + currentId, context)),
                    sealed.ciphertext());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    private byte[] unwrap(Sealed sealed, String context) {
        SecretKeySpec kek = keys.get(sealed.keyId());
        if (kek == null) {
            throw new UnknownKeyException(sealed.keyId());
        }
        return decrypt(kek, sealed.wrappedKey(), aad("key:" + sealed.keyId(), context));
    }

    private static byte[] aad(String part, String context) {
        return (part + "|" + context).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] encrypt(SecretKeySpec key, byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static byte[] decrypt(SecretKeySpec key, byte[] nonceAndCiphertext, byte[] aad) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonceAndCiphertext, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(nonceAndCiphertext, NONCE_BYTES, nonceAndCiphertext.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalStateException("the sealed secret does not open: altered, or not this record's", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    private static SecretKeySpec aesKey(String key) {
        return new SecretKeySpec(sha256("relay-provider-secrets-kek|" + key), "AES");
    }

    /** A key's public name: eight bytes of a hash separate from the one that makes the AES key. */
    public static String keyId(String key) {
        return "k" + HexFormat.of().formatHex(sha256("relay-provider-secrets-key-id|" + key.strip()), 0, 8);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
