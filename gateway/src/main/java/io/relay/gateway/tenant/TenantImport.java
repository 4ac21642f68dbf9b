package io.relay.gateway.tenant;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import tools.jackson.databind.json.JsonMapper;

/**
 * Before the gateway serves: tenants and keys that earlier versions kept in Redis are imported into
 * PostgreSQL once (across replicas: under an advisory lock, marked done in {@code imports}), and the
 * bootstrap key's tenant exists. A key revoked under the old store was deleted from Redis, so it is not
 * imported: it stays revoked. The old Redis entries are left as they were (an older replica still rolling
 * out reads them) and read by nothing here.
 */
@Component
public class TenantImport implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(TenantImport.class);
    static final String SOURCE = "redis";
    private static final long LOCK = 0x72656c6179L; // "relay": one import at a time across replicas

    private final JdbcClient db;
    private final TransactionTemplate transaction;
    private final JedisPooled redis;
    private final TenantStore tenants;
    private final String bootstrapKey;
    private final String bootstrapTenantId;
    private final JsonMapper json;
    private final Clock clock;

    public TenantImport(
            JdbcClient db,
            TransactionTemplate transaction,
            JedisPooled redis,
            TenantStore tenants,
            @org.springframework.beans.factory.annotation.Value("${relay.gateway.bootstrap-api-key:}")
                    String bootstrapKey,
            @org.springframework.beans.factory.annotation.Value("${relay.gateway.bootstrap-tenant-id}")
                    String bootstrapTenantId,
            JsonMapper json,
            Clock clock) {
        this.db = db;
        this.transaction = transaction;
        this.redis = redis;
        this.tenants = tenants;
        this.bootstrapKey = bootstrapKey;
        this.bootstrapTenantId = bootstrapTenantId;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void afterPropertiesSet() {
        if (!bootstrapKey.isBlank()) {
            tenants.ensure(bootstrapTenantId);
        }
        try {
            importFromRedis();
        } catch (JedisException e) {
            log.warn(
                    "Redis unreachable: tenants and keys kept there by an earlier version are imported at the next start");
        }
    }

    /** The counts imported, or null when the import was done before. */
    public int[] importFromRedis() {
        return transaction.execute(status -> {
            db.sql("SELECT pg_advisory_xact_lock(?)").param(LOCK).query().singleRow();
            boolean done = db.sql("SELECT count(*) FROM imports WHERE source = ?")
                            .param(SOURCE)
                            .query(Integer.class)
                            .single()
                    > 0;
            if (done) {
                return null;
            }
            int tenantCount = 0;
            int keyCount = 0;
            for (String key : scan("gateway:tenant:*")) {
                if (key.endsWith(":keys")) {
                    continue;
                }
                String tenantId = key.substring("gateway:tenant:".length());
                Map<String, String> fields = new LinkedHashMap<>(redis.hgetAll(key));
                if (fields.isEmpty()) {
                    continue;
                }
                String name = fields.remove("name");
                String createdAt = fields.remove("createdAt");
                String version = fields.remove(TenantStore.SETTINGS_VERSION);
                tenantCount += db.sql("INSERT INTO tenants (tenant_id, name, created_at, settings, settings_version) "
                                + "VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT DO NOTHING")
                        .params(
                                tenantId,
                                name == null ? tenantId : name,
                                Timestamp.from(createdAt == null ? clock.instant() : Instant.parse(createdAt)),
                                json.writeValueAsString(fields),
                                version == null ? 0L : Long.parseLong(version))
                        .update();
                for (Map.Entry<String, String> live :
                        redis.hgetAll(key + ":keys").entrySet()) {
                    keyCount += db.sql("INSERT INTO api_keys (key_hash, key_id, tenant_id, created_at) "
                                    + "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                            .params(live.getValue(), live.getKey(), tenantId, Timestamp.from(clock.instant()))
                            .update();
                }
            }
            db.sql("INSERT INTO imports (source, imported_at, tenants, api_keys) VALUES (?, ?, ?, ?)")
                    .params(SOURCE, Timestamp.from(clock.instant()), tenantCount, keyCount)
                    .update();
            log.info("imported {} tenants and {} API keys from Redis into PostgreSQL", tenantCount, keyCount);
            return new int[] {tenantCount, keyCount};
        });
    }

    private List<String> scan(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page =
                    redis.scan(cursor, new ScanParams().match(pattern).count(500));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }
}
