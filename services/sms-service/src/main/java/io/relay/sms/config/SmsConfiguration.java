package io.relay.sms.config;

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
import io.relay.sms.send.SmsDispatchHandler;
import io.relay.sms.send.TwilioSender;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Spring wiring only: the queue, and Resilience4j around Twilio with its metrics. */
@Configuration
@EnableConfigurationProperties(TwilioProperties.class)
class SmsConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    QueueConsumer smsDispatches(
            SmsDispatchHandler handler,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            @Value("${relay.sms.consumers:${SMS_CONSUMERS:8}}") int consumers) {
        return new QueueConsumer(Queues.SMS_DISPATCH.withConcurrency(consumers), handler, codec, publisher);
    }

    /** Delivery and contact events wait for their consumers even while those are down. */
    @Bean
    DeclaredQueues eventQueues() {
        return DeclaredQueues.of(Queues.ROUTING_DELIVERY, Queues.PREFERENCE_CONTACT);
    }

    @Bean
    Retry twilioRetry(MeterRegistry meters) {
        RetryRegistry registry = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(200), 2.0, 0.5))
                .retryExceptions(TwilioSender.TransientFailure.class)
                .build());
        TaggedRetryMetrics.ofRetryRegistry(registry).bindTo(meters);
        return registry.retry("twilio");
    }

    @Bean
    CircuitBreaker twilioBreaker(MeterRegistry meters) {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .recordExceptions(TwilioSender.TransientFailure.class)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
        return registry.circuitBreaker("twilio");
    }

    /** TWILIO_RATE_PER_SECOND: Twilio's sender rates are per second. */
    @Bean
    RateLimiter twilioRateLimiter(MeterRegistry meters, @Value("${TWILIO_RATE_PER_SECOND:1000}") int perSecond) {
        RateLimiterRegistry registry = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofSeconds(5))
                .build());
        TaggedRateLimiterMetrics.ofRateLimiterRegistry(registry).bindTo(meters);
        return registry.rateLimiter("twilio");
    }

    @Bean
    Bulkhead twilioBulkhead(MeterRegistry meters) {
        BulkheadRegistry registry = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(64)
                .maxWaitDuration(Duration.ofSeconds(5))
                .build());
        TaggedBulkheadMetrics.ofBulkheadRegistry(registry).bindTo(meters);
        return registry.bulkhead("twilio");
    }
}
