package io.relay.routing.webhook;

import io.relay.routing.RoutingProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Sends the webhooks tenants are owed, on a schedule driven by the service's clock: a failed attempt is
 * tried again after 30 s, 1, 2, 4, 8, 16, 32 minutes, then every hour, until the first failure at least
 * {@code relay.webhooks.retry-for} (24 h) after the change, when it is given up. Each tenant has at most
 * {@code relay.webhooks.per-tenant} attempts in flight, each on a virtual thread of its own with its own
 * timeout, so one tenant's slow or failing endpoint never holds up another tenant's webhooks. A
 * delivery goes to the tenant's webhook as it is when it is sent (a moved webhook gets what is still
 * owed).
 */
@Component
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    private static final Duration LONGEST_WAIT = Duration.ofHours(1);
    /** Longer than an attempt can take (connect + answer timeouts): after it, the delivery is due again. */
    private static final Duration LEASE = Duration.ofMinutes(2);

    private static final int BATCH = 200;

    private final WebhookDeliveries deliveries;
    private final TenantWebhooks webhooks;
    private final StatusWebhookSender sender;
    private final Clock clock;
    private final Duration pollInterval;
    private final Duration retryFor;
    private final int perTenant;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private ExecutorService attempts;
    private Thread loop;

    public WebhookDispatcher(
            WebhookDeliveries deliveries,
            TenantWebhooks webhooks,
            StatusWebhookSender sender,
            Clock clock,
            RoutingProperties settings) {
        this.deliveries = deliveries;
        this.webhooks = webhooks;
        this.sender = sender;
        this.clock = clock;
        this.pollInterval = settings.webhooks().pollInterval();
        this.retryFor = settings.webhooks().retryFor();
        this.perTenant = settings.webhooks().perTenant();
    }

    /** The wait after the {@code failures}-th failed attempt: 30 s, doubling, at most an hour. */
    static Duration backoff(int failures) {
        Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    /** Starts the attempts now due; how many it started. */
    int tick() {
        List<String> busy = inFlight.entrySet().stream()
                .filter(e -> e.getValue().get() >= perTenant)
                .map(Map.Entry::getKey)
                .toList();
        List<WebhookDeliveries.Delivery> due = deliveries.claim(clock.instant(), LEASE, perTenant, BATCH, busy);
        for (WebhookDeliveries.Delivery delivery : due) {
            inFlight.computeIfAbsent(delivery.tenantId(), t -> new AtomicInteger())
                    .incrementAndGet();
            attempts.submit(() -> attempt(delivery));
        }
        return due.size();
    }

    private void attempt(WebhookDeliveries.Delivery delivery) {
        try {
            var webhook = webhooks.find(delivery.tenantId());
            if (webhook.isEmpty()) {
                deliveries.dropped(delivery.eventId(), clock.instant());
                return;
            }
            sender.send(webhook.get(), delivery, clock.instant());
            deliveries.delivered(delivery.eventId(), clock.instant());
        } catch (Exception e) {
            failed(delivery, e);
        } finally {
            inFlight.get(delivery.tenantId()).decrementAndGet();
            wake.release(); // a tenant with more owed may go on at once
        }
    }

    private void failed(WebhookDeliveries.Delivery delivery, Exception e) {
        Instant now = clock.instant();
        String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        try {
            if (!now.isBefore(delivery.createdAt().plus(retryFor))) {
                log.warn(
                        "status webhook {} given up after {} attempts: {}",
                        delivery.eventId(),
                        delivery.attempts() + 1,
                        error);
                deliveries.gaveUp(delivery.eventId(), now, error);
            } else {
                deliveries.retryAt(delivery.eventId(), now.plus(backoff(delivery.attempts() + 1)), error);
            }
        } catch (RuntimeException stored) {
            // the lease runs out and the attempt is made again: nothing is lost
            log.warn("status webhook {}: could not record the failed attempt", delivery.eventId(), stored);
        }
    }

    private void run() {
        while (running) {
            try {
                if (tick() < BATCH) {
                    wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("status webhooks: cannot read what is owed; trying again", e);
                try {
                    Thread.sleep(pollInterval.multipliedBy(10));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void start() {
        attempts = Executors.newVirtualThreadPerTaskExecutor();
        running = true;
        loop = Thread.ofPlatform().daemon().name("status-webhooks").start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        loop.interrupt();
        attempts.shutdown();
        try {
            attempts.awaitTermination(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
