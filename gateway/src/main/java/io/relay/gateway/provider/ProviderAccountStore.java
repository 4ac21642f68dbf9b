package io.relay.gateway.provider;

import io.relay.security.SecretBox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tenants' provider accounts in the gateway's PostgreSQL (V2 migration): their settings, their sealed
 * credentials, their order per channel, and whether the platform's own account may follow them. Blocking.
 */
@Component
public class ProviderAccountStore {

    private static final TypeReference<Map<String, Object>> CONFIG = new TypeReference<>() {};

    /** One account as stored; {@code sealed} never leaves the gateway except to a channel service. */
    public record Account(
            String accountId,
            String tenantId,
            String channel,
            String type,
            String name,
            int position,
            Map<String, Object> config,
            List<String> secretNames,
            SecretBox.Sealed sealed,
            long version,
            Instant checkedAt,
            Instant createdAt,
            Instant updatedAt) {

        /** What the account's sealed credentials are bound to: a copy on another row does not open. */
        public String context() {
            return context(tenantId, accountId);
        }

        public static String context(String tenantId, String accountId) {
            return tenantId + "|" + accountId;
        }
    }

    private static final String COLUMNS =
            "account_id, tenant_id, channel, type, name, position, config::text AS config, "
                    + "secret_names, key_id, wrapped_key, secret, version, checked_at, created_at, updated_at";

    private final JdbcClient db;
    private final JsonMapper json;
    private final Clock clock;
    private final TransactionTemplate transactions;

    public ProviderAccountStore(JdbcClient db, JsonMapper json, Clock clock, TransactionTemplate transactions) {
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.transactions = transactions;
    }

    /** Stores a new account after the tenant's others of its channel. */
    public Account insert(Account account) {
        Instant now = clock.instant();
        db.sql("INSERT INTO provider_accounts (account_id, tenant_id, channel, type, name, position, config, "
                        + "secret_names, key_id, wrapped_key, secret, checked_at, created_at, updated_at) "
                        + "SELECT ?, ?, ?, ?, ?, COALESCE(MAX(position), 0) + 1, ?::jsonb, ?, ?, ?, ?, ?, ?, ? "
                        + "FROM provider_accounts WHERE tenant_id = ? AND channel = ?")
                .params(
                        account.accountId(),
                        account.tenantId(),
                        account.channel(),
                        account.type(),
                        account.name(),
                        json.writeValueAsString(account.config()),
                        account.secretNames().toArray(String[]::new),
                        account.sealed().keyId(),
                        account.sealed().wrappedKey(),
                        account.sealed().ciphertext(),
                        timestamp(account.checkedAt()),
                        Timestamp.from(now),
                        Timestamp.from(now),
                        account.tenantId(),
                        account.channel())
                .update();
        return find(account.tenantId(), account.accountId()).orElseThrow();
    }

    /** A tenant's accounts, by channel and in the order they are tried. */
    public List<Account> list(String tenantId) {
        return db.sql("SELECT " + COLUMNS + " FROM provider_accounts WHERE tenant_id = ? ORDER BY channel, position")
                .param(tenantId)
                .query(this::account)
                .list();
    }

    public List<Account> list(String tenantId, String channel) {
        return db.sql("SELECT " + COLUMNS + " FROM provider_accounts WHERE tenant_id = ? AND channel = ? "
                        + "ORDER BY position")
                .params(tenantId, channel)
                .query(this::account)
                .list();
    }

    /** One of this tenant's accounts; another tenant's is as absent as one that never was. */
    public Optional<Account> find(String tenantId, String accountId) {
        return db.sql("SELECT " + COLUMNS + " FROM provider_accounts WHERE tenant_id = ? AND account_id = ?")
                .params(tenantId, accountId)
                .query(this::account)
                .optional();
    }

    /** Any tenant's account: for the channel services only (the operator listener's internal API). */
    public Optional<Account> find(String accountId) {
        return db.sql("SELECT " + COLUMNS + " FROM provider_accounts WHERE account_id = ?")
                .param(accountId)
                .query(this::account)
                .optional();
    }

    /** The Twilio accounts with this SID, whichever tenants connected them. */
    public List<Account> byTwilioAccountSid(String accountSid) {
        return db.sql("SELECT " + COLUMNS + " FROM provider_accounts WHERE twilio_account_sid = ? ORDER BY tenant_id")
                .param(accountSid)
                .query(this::account)
                .list();
    }

    /**
     * Replaces what may change and counts the change, if the account is still at {@code changed}'s version;
     * false when it is not there or was changed meanwhile (a rewrap, another change).
     */
    public boolean update(Account changed) {
        return db.sql("UPDATE provider_accounts SET name = ?, config = ?::jsonb, secret_names = ?, key_id = ?, "
                                + "wrapped_key = ?, secret = ?, checked_at = ?, updated_at = ?, version = version + 1 "
                                + "WHERE tenant_id = ? AND account_id = ? AND version = ?")
                        .params(
                                changed.name(),
                                json.writeValueAsString(changed.config()),
                                changed.secretNames().toArray(String[]::new),
                                changed.sealed().keyId(),
                                changed.sealed().wrappedKey(),
                                changed.sealed().ciphertext(),
                                timestamp(changed.checkedAt()),
                                Timestamp.from(clock.instant()),
                                changed.tenantId(),
                                changed.accountId(),
                                changed.version())
                        .update()
                == 1;
    }

    public boolean delete(String tenantId, String accountId) {
        return db.sql("DELETE FROM provider_accounts WHERE tenant_id = ? AND account_id = ?")
                        .params(tenantId, accountId)
                        .update()
                == 1;
    }

    /** Sets a channel's order: {@code accountIds} must be exactly its accounts (the caller checked). */
    public void reorder(String tenantId, String channel, List<String> accountIds) {
        transactions.executeWithoutResult(status -> {
            for (int i = 0; i < accountIds.size(); i++) {
                db.sql("UPDATE provider_accounts SET position = ?, version = version + 1, updated_at = ? "
                                + "WHERE tenant_id = ? AND channel = ? AND account_id = ?")
                        .params(i + 1, Timestamp.from(clock.instant()), tenantId, channel, accountIds.get(i))
                        .update();
            }
        });
    }

    /** Whether the platform's own account may be used after the tenant's own (yes unless the tenant said no). */
    public boolean usePlatformDefault(String tenantId, String channel) {
        return db.sql("SELECT use_platform_default FROM provider_channels WHERE tenant_id = ? AND channel = ?")
                .params(tenantId, channel)
                .query(Boolean.class)
                .optional()
                .orElse(true);
    }

    public void usePlatformDefault(String tenantId, String channel, boolean use) {
        db.sql(
                        "INSERT INTO provider_channels (tenant_id, channel, use_platform_default) VALUES (?, ?, ?) "
                                + "ON CONFLICT (tenant_id, channel) DO UPDATE SET use_platform_default = EXCLUDED.use_platform_default")
                .params(tenantId, channel, use)
                .update();
    }

    /** How many accounts are sealed under each key id. */
    public Map<String, Long> countsByKey() {
        Map<String, Long> counts = new LinkedHashMap<>();
        db.sql("SELECT key_id, count(*) AS n FROM provider_accounts GROUP BY key_id ORDER BY key_id")
                .query((row, n) -> counts.put(row.getString("key_id"), row.getLong("n")))
                .list();
        return counts;
    }

    /** The accounts not sealed under {@code keyId}. */
    public List<Account> sealedUnderOtherKeys(String keyId) {
        return db.sql("SELECT " + COLUMNS + " FROM provider_accounts WHERE key_id <> ?")
                .param(keyId)
                .query(this::account)
                .list();
    }

    /** Stores a rewrapped data key, unless the record changed meanwhile (then it is sealed anew anyway). */
    public boolean rewrapped(Account account, SecretBox.Sealed sealed) {
        return db.sql("UPDATE provider_accounts SET key_id = ?, wrapped_key = ?, version = version + 1 "
                                + "WHERE account_id = ? AND key_id = ? AND version = ?")
                        .params(
                                sealed.keyId(),
                                sealed.wrappedKey(),
                                account.accountId(),
                                account.sealed().keyId(),
                                account.version())
                        .update()
                == 1;
    }

    private Account account(ResultSet row, int n) throws SQLException {
        return new Account(
                row.getString("account_id"),
                row.getString("tenant_id"),
                row.getString("channel"),
                row.getString("type"),
                row.getString("name"),
                row.getInt("position"),
                json.readValue(row.getString("config"), CONFIG),
                Arrays.asList((String[]) row.getArray("secret_names").getArray()),
                new SecretBox.Sealed(row.getString("key_id"), row.getBytes("wrapped_key"), row.getBytes("secret")),
                row.getLong("version"),
                instant(row.getTimestamp("checked_at")),
                instant(row.getTimestamp("created_at")),
                instant(row.getTimestamp("updated_at")));
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }
}
