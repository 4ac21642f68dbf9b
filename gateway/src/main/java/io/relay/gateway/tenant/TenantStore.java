package io.relay.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * Tenants and their API keys in Redis (the gateway's store). A key is shown once, when it is made;
 * only its SHA-256 is kept. Keys look like {@code rly_k_xxxxxxxx_<secret>}, so a leaked one is
 * recognisable (and its key id tells which to revoke). Blocking calls: callers on the reactive path
 * run them on a bounded elastic scheduler. Every change that can take a right away (a revoked key, a
 * changed setting) is announced on {@link #CHANGES}.
 */
@Component
public class TenantStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

    private final JedisPooled redis;
    private final Clock clock;

    public TenantStore(JedisPooled redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /**
     * A tenant; {@code settingsVersion} counts its settings changes, so a service told of them in any
     * order keeps the newest (it travels as {@link #SETTINGS_VERSION} among the settings of a key owner).
     */
    public record Tenant(String tenantId, String name, Map<String, String> settings, long settingsVersion) {

        /** The settings as a key owner's carry them: with {@link #SETTINGS_VERSION}. */
        public Map<String, String> ownerSettings() {
            Map<String, String> withVersion = new LinkedHashMap<>(settings);
            withVersion.put(SETTINGS_VERSION, Long.toString(settingsVersion));
            return withVersion;
        }
    }

    /** The hash field (and key owner setting) counting a tenant's settings changes. */
    public static final String SETTINGS_VERSION = "settingsVersion";

    public record IssuedKey(String keyId, String apiKey) {}

    /**
     * Where a revoked key or changed setting is announced, so every replica forgets what it remembered of
     * keys (see {@code Admissions}).
     */
    public static final String CHANGES = "gateway:changes";

    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

    /** Runs after each change this replica makes, before the operator's call returns. */
    public void onChange(Runnable listener) {
        changeListeners.add(listener);
    }

    private void changed() {
        changeListeners.forEach(Runnable::run);
        redis.publish(CHANGES, "changed");
    }

    public Tenant create(String name) {
        String tenantId = "t_" + random(12);
        redis.hset(
                tenantKey(tenantId),
                Map.of("name", name, "createdAt", clock.instant().toString()));
        return new Tenant(tenantId, name, Map.of(), 0);
    }

    public Optional<Tenant> find(String tenantId) {
        Map<String, String> fields = redis.hgetAll(tenantKey(tenantId));
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> settings = new LinkedHashMap<>(fields);
        settings.remove("name");
        settings.remove("createdAt");
        String version = settings.remove(SETTINGS_VERSION);
        return Optional.of(
                new Tenant(tenantId, fields.get("name"), settings, version == null ? 0 : Long.parseLong(version)));
    }

    /**
     * Sets (or, with a null value, clears) settings such as smsFrom, emailFrom, webhookUrl, rateLimit, and
     * counts the change after them: whoever reads the new count reads the new settings too.
     */
    public void updateSettings(String tenantId, Map<String, String> settings) {
        settings.forEach((name, value) -> {
            if (value == null) {
                redis.hdel(tenantKey(tenantId), name);
            } else {
                redis.hset(tenantKey(tenantId), name, value);
            }
        });
        redis.hincrBy(tenantKey(tenantId), SETTINGS_VERSION, 1);
        changed();
    }

    // a key's tenant and the tenant's settings in one round trip (standalone Redis: the tenant's key is
    // derived inside the script)
    private static final String RESOLVE = """
            local tenant = redis.call('HGET', KEYS[1], 'tenant')
            if not tenant then return false end
            return {tenant, redis.call('HGETALL', 'gateway:tenant:' .. tenant)}
            """;

    /** Whom a key belongs to, and that tenant's settings (smsFrom, emailFrom, webhookUrl, rateLimit...). */
    public record KeyOwner(String tenantId, Map<String, String> settings) {}

    /** The owner of the key whose {@link #sha256} this is; empty when the key is unknown or revoked. */
    public Optional<KeyOwner> ownerOfKeyHash(String keyHash) {
        Object reply = redis.eval(RESOLVE, List.of(apiKeyKey(keyHash)), List.of());
        if (!(reply instanceof List<?> parts) || parts.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> settings = new LinkedHashMap<>();
        List<?> flat = (List<?>) parts.get(1);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            settings.put(text(flat.get(i)), text(flat.get(i + 1)));
        }
        settings.remove("name");
        settings.remove("createdAt");
        return Optional.of(new KeyOwner(text(parts.get(0)), settings));
    }

    /** Only a key of our shape is worth a Redis call; anything else is refused from memory. */
    public static boolean plausibleKey(String presentedKey) {
        return presentedKey != null && presentedKey.startsWith("rly_") && presentedKey.length() <= 128;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    /** The key status webhooks are signed with (HMAC-SHA256), shown to the business once. */
    public String newWebhookSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "whsec_" + B64.encodeToString(secret);
    }

    public IssuedKey issueKey(String tenantId) {
        String keyId = "k_" + random(8);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String apiKey = "rly_" + keyId + "_" + B64.encodeToString(secret);
        String hash = sha256(apiKey);
        redis.hset(apiKeyKey(hash), Map.of("tenant", tenantId, "keyId", keyId));
        redis.hset(keyIdsKey(tenantId), keyId, hash);
        return new IssuedKey(keyId, apiKey);
    }

    /** Revokes at once; false when the key id is not one of this tenant's. */
    public boolean revoke(String tenantId, String keyId) {
        String hash = redis.hget(keyIdsKey(tenantId), keyId);
        if (hash == null) {
            return false;
        }
        redis.del(apiKeyKey(hash));
        redis.hdel(keyIdsKey(tenantId), keyId);
        changed();
        return true;
    }

    public List<String> keyIds(String tenantId) {
        return List.copyOf(redis.hkeys(keyIdsKey(tenantId)));
    }

    /** The only form in which a key is kept, in Redis or in memory. */
    public static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    private static String tenantKey(String tenantId) {
        return "gateway:tenant:" + tenantId;
    }

    private static String keyIdsKey(String tenantId) {
        return "gateway:tenant:" + tenantId + ":keys";
    }

    private static String apiKeyKey(String hash) {
        return "gateway:apikey:" + hash;
    }
}
