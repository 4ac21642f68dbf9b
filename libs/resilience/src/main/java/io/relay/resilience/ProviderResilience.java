package io.relay.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Everything that stands between a channel service and one provider: a short jittered retry for
 * transient errors only (honouring the provider's Retry-After when it gives one), a circuit breaker
 * that opens on those same errors, a rate limiter and a bulkhead. All four export metrics
 * ({@code resilience4j_*}, tagged with the provider's name). Longer outages are for the caller's
 * retry queue: while the breaker is open, calls fail fast with {@link ProviderUnavailable}.
 */
public final class ProviderResilience {

    private final Retry retry;
    private final CircuitBreaker breaker;
    private final RateLimiter rateLimiter;
    private final Bulkhead bulkhead;
    private final String name;
    private ObservationRegistry observations = ObservationRegistry.NOOP;

    /**
     * @param transientType the provider's "worth retrying" exception; nothing else is retried or counted
     * @param retryAfter the wait the provider asked for in such an exception, or null
     */
    public <E extends RuntimeException> ProviderResilience(
            String name,
            Class<E> transientType,
            Function<E, Duration> retryAfter,
            int callsPerSecond,
            int maxConcurrentCalls,
            MeterRegistry meters) {
        this(name, transientType, retryAfter, e -> true, callsPerSecond, maxConcurrentCalls, meters);
    }

    /**
     * @param retryable which of those the short retry may repeat at once: not one the provider may have
     *     acted on (an unanswered send), which its caller must reconcile first; the breaker counts them all
     */
    public <E extends RuntimeException> ProviderResilience(
            String name,
            Class<E> transientType,
            Function<E, Duration> retryAfter,
            java.util.function.Predicate<E> retryable,
            int callsPerSecond,
            int maxConcurrentCalls,
            MeterRegistry meters) {
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5);
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3)
                .intervalBiFunction((attempt, outcome) -> {
                    if (outcome.isLeft() && transientType.isInstance(outcome.getLeft())) {
                        Duration asked = retryAfter.apply(transientType.cast(outcome.getLeft()));
                        if (asked != null && asked.toSeconds() <= 5) {
                            return asked.toMillis();
                        }
                    }
                    return backoff.apply(attempt);
                })
                .retryOnException(e -> transientType.isInstance(e) && retryable.test(transientType.cast(e)))
                .build());
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .recordExceptions(transientType)
                .build());
        RateLimiterRegistry limiters = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(callsPerSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofSeconds(5))
                .build());
        BulkheadRegistry bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentCalls)
                .maxWaitDuration(Duration.ofSeconds(5))
                .build());
        this.name = name;
        this.retry = retries.retry(name);
        this.breaker = breakers.circuitBreaker(name);
        this.rateLimiter = limiters.rateLimiter(name);
        this.bulkhead = bulkheads.bulkhead(name);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(limiters).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
    }

    /** Each attempt becomes a CLIENT span ({@code twilio call}, …) in the message's trace. */
    public ProviderResilience observedBy(ObservationRegistry observations) {
        this.observations = observations;
        return this;
    }

    /** Runs one provider call through retry, breaker, rate limiter and bulkhead. */
    public <T> T call(Supplier<T> attempt) {
        Supplier<T> call = () -> Observation.createNotStarted(
                        "provider.call",
                        () -> {
                            SenderContext<Object> context =
                                    new SenderContext<>((carrier, key, value) -> {}, Kind.CLIENT);
                            context.setRemoteServiceName(name);
                            return context;
                        },
                        observations)
                .contextualName(name + " call")
                .lowCardinalityKeyValue("provider", name)
                .observe(attempt);
        try {
            return Retry.decorateSupplier(
                            retry,
                            CircuitBreaker.decorateSupplier(
                                    breaker,
                                    RateLimiter.decorateSupplier(
                                            rateLimiter, Bulkhead.decorateSupplier(bulkhead, call))))
                    .get();
        } catch (CallNotPermittedException e) {
            throw new ProviderUnavailable(breaker.getName(), e);
        }
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The provider's circuit is open: the message waits in its retry queue. */
    public static final class ProviderUnavailable extends RuntimeException {
        ProviderUnavailable(String provider, Throwable cause) {
            super(provider + " circuit is open; the message waits in the retry queue", cause);
        }
    }
}
