package io.relay.push.config;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
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
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.push.send.FcmSender;
import io.relay.push.send.PushDispatchHandler;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only: the queue, and Resilience4j around FCM with its metrics. */
@Configuration
@EnableConfigurationProperties(FcmProperties.class)
class PushConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    QueueConsumer pushDispatches(
            PushDispatchHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            @Value("${relay.push.consumers:${PUSH_CONSUMERS:8}}") int consumers) {
        return new QueueConsumer(Queues.PUSH_DISPATCH.withConcurrency(consumers), handler, codec, publisher);
    }

    /** Delivery and contact events wait for their consumers even while those are down. */
    @Bean
    DeclaredQueues eventQueues() {
        return DeclaredQueues.of(Queues.ROUTING_DELIVERY, Queues.PREFERENCE_CONTACT);
    }

    @Bean
    Retry fcmRetry(MeterRegistry meters) {
        RetryRegistry registry = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3)
                // FCM's Retry-After when it gave one (429/503), else exponential backoff with jitter
                .intervalBiFunction((attempt, outcome) -> outcome.isLeft()
                                && outcome.getLeft() instanceof FcmSender.TransientFailure t
                                && t.retryAfter() != null
                                && t.retryAfter().toSeconds() <= 5
                        ? t.retryAfter().toMillis()
                        : IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5)
                                .apply(attempt))
                .retryExceptions(FcmSender.TransientFailure.class)
                .build());
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        return registry.retry("fcm");
    }

    @Bean
    CircuitBreaker fcmBreaker(MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .recordExceptions(FcmSender.TransientFailure.class)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker("fcm");
    }

    /** FCM_RATE_PER_SECOND: FCM's project quota is per minute; this spreads it per second. */
    @Bean
    RateLimiter fcmRateLimiter(MeterRegistry meters, @Value("${FCM_RATE_PER_SECOND:2000}") int perSecond) {
        RateLimiterRegistry registry = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofSeconds(5))
                .build());
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(registry).bindTo(meters);
        return registry.rateLimiter("fcm");
    }

    @Bean
    Bulkhead fcmBulkhead(MeterRegistry meters) {
        BulkheadRegistry registry = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(64)
                .maxWaitDuration(Duration.ofSeconds(5))
                .build());
        TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
        return registry.bulkhead("fcm");
    }
}
