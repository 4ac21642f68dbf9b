package io.relay.gateway.auth;

import io.relay.gateway.GatewayProperties;
import io.relay.gateway.tenant.TenantRateLimiter;
import io.relay.gateway.tenant.TenantStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

/**
 * Whether a presented API key gets in: its tenant, the tenant's settings and its rate limit. Almost
 * every request is answered from memory, so the event loop does not wait on Redis: a key is remembered
 * for at most {@code relay.gateway.key-memory} (10 s), and only while this replica listens to
 * {@link TenantStore#CHANGES}. A revoked key or a changed setting empties the memory of the replica
 * that made the change before the operator's call returns, and of every other replica as soon as Redis
 * delivers the announcement. While the announcements cannot be heard (Redis unreachable, reconnecting),
 * nothing is remembered and every request is checked in PostgreSQL.
 */
@Component
public class Admissions implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Admissions.class);

    public sealed interface Admission {
        record Unknown() implements Admission {}

        record Limited(String tenantId) implements Admission {}

        record Admitted(String tenantId, String keyId, Map<String, String> settings) implements Admission {}
    }

    private static final Admission UNKNOWN = new Admission.Unknown();

    private record Known(TenantStore.KeyOwner owner, int limit, Instant until) {}

    private final ApiKeys bootstrap;
    private final TenantStore tenants;
    private final TenantRateLimiter limiter;
    private final JedisPooled redis;
    private final Clock clock;
    private final Duration memory;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    /** Moves on every change heard: a lookup that began before a change must not be remembered. */
    private final AtomicLong generation = new AtomicLong();

    private volatile boolean listening;
    private volatile boolean running;
    private volatile JedisPubSub subscription;
    private Thread listener;

    public Admissions(
            ApiKeys bootstrap,
            TenantStore tenants,
            TenantRateLimiter limiter,
            JedisPooled redis,
            Clock clock,
            GatewayProperties settings) {
        Duration memory = settings.gateway().keyMemory();
        this.bootstrap = bootstrap;
        this.tenants = tenants;
        this.limiter = limiter;
        this.redis = redis;
        this.clock = clock;
        this.memory = memory;
        tenants.onChange(this::forget);
    }

    /**
     * A presented key as the gateway keeps it, hashed once per check (never the key itself: a heap dump
     * shows no usable key), with the bootstrap tenant when it is the bootstrap key.
     */
    private record Presented(String hash, Optional<String> bootstrapTenant) {
        String memoryKey() {
            return bootstrapTenant.isPresent() ? "bootstrap" : hash;
        }
    }

    /** Null when the presented value cannot be a key at all. */
    private Presented present(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 256) {
            return null;
        }
        String hash = TenantStore.sha256(presentedKey);
        Optional<String> bootstrapTenant = bootstrap.tenantOfHash(hash);
        return bootstrapTenant.isPresent() || TenantStore.plausibleKey(presentedKey)
                ? new Presented(hash, bootstrapTenant)
                : null;
    }

    private boolean fresh(Known entry) {
        return entry != null && clock.instant().isBefore(entry.until());
    }

    /** The answer from memory, or null when only Redis can give it ({@link #check}). */
    public Admission fromMemory(String presentedKey) {
        Presented key = present(presentedKey);
        if (key == null) {
            return UNKNOWN;
        }
        Known entry = listening ? known.get(key.memoryKey()) : null;
        if (!fresh(entry)) {
            return null;
        }
        return switch (limiter.tryAdmit(entry.owner().tenantId())) {
            case ADMIT ->
                new Admission.Admitted(
                        entry.owner().tenantId(),
                        entry.owner().keyId(),
                        entry.owner().settings());
            case LIMIT -> new Admission.Limited(entry.owner().tenantId());
            case ASK_REDIS -> null;
        };
    }

    /** The answer, asking Redis for what memory lacks; blocking. */
    public Admission check(String presentedKey) {
        Presented key = present(presentedKey);
        if (key == null) {
            return UNKNOWN;
        }
        Known entry = known.get(key.memoryKey());
        if (!fresh(entry)) {
            long before = generation.get();
            Optional<TenantStore.KeyOwner> owner = key.bootstrapTenant().isPresent()
                    ? Optional.of(new TenantStore.KeyOwner(
                            key.bootstrapTenant().get(),
                            "bootstrap",
                            tenants.find(key.bootstrapTenant().get())
                                    .map(TenantStore.Tenant::ownerSettings)
                                    .orElse(Map.of())))
                    : tenants.ownerOfKeyHash(key.hash());
            if (owner.isEmpty()) {
                return UNKNOWN;
            }
            entry = new Known(
                    owner.get(),
                    limiter.limitFor(owner.get().settings().get("rateLimit")),
                    clock.instant().plus(memory));
            remember(key.memoryKey(), entry, before);
        }
        String tenantId = entry.owner().tenantId();
        return limiter.acquire(tenantId, entry.limit())
                ? new Admission.Admitted(
                        tenantId, entry.owner().keyId(), entry.owner().settings())
                : new Admission.Limited(tenantId);
    }

    private void remember(String memoryKey, Known entry, long generationBefore) {
        if (!listening) {
            return;
        }
        known.put(memoryKey, entry);
        if (generation.get() != generationBefore) {
            known.remove(memoryKey, entry); // a change was heard during the lookup: it may be stale
        }
    }

    /** Forgets every key: after a change here or on another replica, or while changes cannot be heard. */
    void forget() {
        generation.incrementAndGet();
        known.clear();
    }

    private void listen() {
        while (running) {
            JedisPubSub heard = new JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int subscribedChannels) {
                    forget();
                    listening = true;
                    log.info("remembering API keys: listening to {}", channel);
                }

                @Override
                public void onMessage(String channel, String message) {
                    forget();
                }
            };
            subscription = heard;
            try {
                redis.subscribe(heard, TenantStore.CHANGES);
            } catch (RuntimeException e) {
                if (running) {
                    log.warn(
                            "cannot listen to {}: every request is checked in Redis until it can",
                            TenantStore.CHANGES,
                            e);
                }
            } finally {
                listening = false;
                forget();
            }
            if (running) {
                try {
                    Thread.sleep(1000); // Redis is away: try again in a second
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        running = true;
        listener = Thread.ofPlatform().daemon().name("gateway-changes").start(this::listen);
    }

    @Override
    public void stop() {
        running = false;
        JedisPubSub current = subscription;
        if (current != null && current.isSubscribed()) {
            current.unsubscribe();
        }
        listener.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether keys are being remembered (tests wait for it after start-up). */
    public boolean listening() {
        return listening;
    }
}
