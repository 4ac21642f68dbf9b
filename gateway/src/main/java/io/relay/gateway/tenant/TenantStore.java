package io.relay.gateway.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenants and their API keys, in the gateway's PostgreSQL database: they outlive Redis, which keeps only
 * the rate-limit counters and the change announcements. A key is shown once, when it is made; only its
 * SHA-256 is kept, and a revoked key stays on record as revoked. Keys look like
 * {@code rly_k_xxxxxxxx_<secret>}, so a leaked one is recognisable (and its key id tells which to revoke).
 * Blocking calls: callers on the reactive path run them on a bounded elastic scheduler. Every change that
 * can take a right away (a revoked key, a changed setting) is announced on {@link #CHANGES}.
 */
@Component
public class TenantStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
    private static final TypeReference<Map<String, String>> SETTINGS = new TypeReference<>() {};

    private final JdbcClient db;
    private final JedisPooled redis;
    private final JsonMapper json;
    private final Clock clock;

    public TenantStore(JdbcClient db, JedisPooled redis, JsonMapper json, Clock clock) {
        this.db = db;
        this.redis = redis;
        this.json = json;
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

    /** The key owner setting counting a tenant's settings changes. */
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
        db.sql("INSERT INTO tenants (tenant_id, name, created_at) VALUES (?, ?, ?)")
                .params(tenantId, name, Timestamp.from(clock.instant()))
                .update();
        return new Tenant(tenantId, name, Map.of(), 0);
    }

    /** Makes sure a tenant given by configuration (the bootstrap key's) exists, named after its id. */
    public void ensure(String tenantId) {
        db.sql("INSERT INTO tenants (tenant_id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                .params(tenantId, tenantId, Timestamp.from(clock.instant()))
                .update();
    }

    public Optional<Tenant> find(String tenantId) {
        return db.sql("SELECT name, settings::text AS settings, settings_version FROM tenants WHERE tenant_id = ?")
                .param(tenantId)
                .query((row, n) -> new Tenant(
                        tenantId,
                        row.getString("name"),
                        settings(row.getString("settings")),
                        row.getLong("settings_version")))
                .optional();
    }

    /**
     * Sets (or, with a null value, clears) settings such as smsFrom, emailFrom, webhookUrl, rateLimit, and
     * counts the change in the same statement: whoever reads the new count reads the new settings too.
     */
    public void updateSettings(String tenantId, Map<String, String> settings) {
        Map<String, String> set = new LinkedHashMap<>();
        List<String> cleared = new ArrayList<>();
        settings.forEach((name, value) -> {
            if (value == null) {
                cleared.add(name);
            } else {
                set.put(name, value);
            }
        });
        db.sql("UPDATE tenants SET settings = (settings || ?::jsonb) - ?::text[], "
                        + "settings_version = settings_version + 1 WHERE tenant_id = ?")
                .params(json.writeValueAsString(set), cleared.toArray(String[]::new), tenantId)
                .update();
        changed();
    }

    /** Whom a key belongs to, and that tenant's settings (smsFrom, emailFrom, webhookUrl, rateLimit...). */
    /** Whose a key is; {@code keyId} names the key itself (never its secret), for the services' records of who acted. */
    public record KeyOwner(String tenantId, String keyId, Map<String, String> settings) {}

    /** The owner of the key whose {@link #sha256} this is; empty when the key is unknown or revoked. */
    public Optional<KeyOwner> ownerOfKeyHash(String keyHash) {
        return db.sql("SELECT t.tenant_id, k.key_id, t.settings::text AS settings, t.settings_version FROM api_keys k "
                        + "JOIN tenants t ON t.tenant_id = k.tenant_id WHERE k.key_hash = ? AND k.revoked_at IS NULL")
                .param(keyHash)
                .query((row, n) -> {
                    Map<String, String> owned = settings(row.getString("settings"));
                    owned.put(SETTINGS_VERSION, Long.toString(row.getLong("settings_version")));
                    return new KeyOwner(row.getString("tenant_id"), row.getString("key_id"), owned);
                })
                .optional();
    }

    /**
     * The tenants an inbound SMS to {@code senders} (a number, a Messaging Service) concerns: those
     * configured to send from one of them, and, when one of them is the platform's own sender, every
     * tenant without a sender of its own.
     */
    public List<String> tenantsSendingFrom(List<String> senders, boolean platformSender) {
        return db.sql("SELECT tenant_id FROM tenants WHERE sms_from = ANY(?) OR (? AND sms_from IS NULL) "
                        + "ORDER BY tenant_id")
                .params(senders.toArray(String[]::new), platformSender)
                .query(String.class)
                .list();
    }

    /** Only a key of our shape is worth a lookup; anything else is refused from memory. */
    public static boolean plausibleKey(String presentedKey) {
        return presentedKey != null && presentedKey.startsWith("rly_") && presentedKey.length() <= 128;
    }

    /**
     * The key status webhooks are signed with (HMAC-SHA256), shown to the business once: {@code whsec_}
     * and 32 random bytes in standard base64, the form Standard Webhooks libraries take as it is.
     */
    public String newWebhookSecret() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "whsec_" + Base64.getEncoder().encodeToString(secret);
    }

    public IssuedKey issueKey(String tenantId) {
        String keyId = "k_" + random(8);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String apiKey = "rly_" + keyId + "_" + B64.encodeToString(secret);
        db.sql("INSERT INTO api_keys (key_hash, key_id, tenant_id, created_at) VALUES (?, ?, ?, ?)")
                .params(sha256(apiKey), keyId, tenantId, Timestamp.from(clock.instant()))
                .update();
        return new IssuedKey(keyId, apiKey);
    }

    /** Revokes at once, for good; false when the key id is not one of this tenant's live keys. */
    public boolean revoke(String tenantId, String keyId) {
        int revoked = db.sql("UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND key_id = ? "
                        + "AND revoked_at IS NULL")
                .params(Timestamp.from(clock.instant()), tenantId, keyId)
                .update();
        if (revoked == 0) {
            return false;
        }
        changed();
        return true;
    }

    /** The ids of a tenant's live keys. */
    public List<String> keyIds(String tenantId) {
        return db.sql("SELECT key_id FROM api_keys WHERE tenant_id = ? AND revoked_at IS NULL ORDER BY created_at")
                .param(tenantId)
                .query(String.class)
                .list();
    }

    /** The only form in which a key is kept, in the database or in memory. */
    public static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> settings(String stored) {
        return new LinkedHashMap<>(json.readValue(stored, SETTINGS));
    }

    private static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
