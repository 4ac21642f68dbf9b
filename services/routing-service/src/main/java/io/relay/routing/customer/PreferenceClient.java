package io.relay.routing.customer;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.relay.routing.RoutingProperties;
import io.relay.web.RequestContextFilter;
import io.relay.web.WebProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Asks preference-service (or its cache) what a customer accepts for a category. "No such customer or
 * category" is an answer; anything else is {@link PreferencesUnavailableException}: routing waits.
 */
@Component
public class PreferenceClient {

    private final RestClient http;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final java.time.Clock clock;
    private final CachedChoices cached;
    private static final Duration CATEGORY_KNOWN_FOR = Duration.ofMinutes(1);
    private final java.util.Map<String, Instant> knownCategories = new ConcurrentHashMap<>();

    public PreferenceClient(
            RestClient.Builder builder,
            RoutingProperties settings,
            WebProperties web,
            io.micrometer.core.instrument.MeterRegistry meters,
            java.time.Clock clock,
            CachedChoices cached) {
        this.cached = cached;
        this.clock = clock;
        // a plain blocking connection (kept alive) on the caller's virtual thread: the JDK HttpClient's
        // selector thread and hand-offs cost routing about a tenth of its CPU under load
        SimpleClientHttpRequestFactory factory = new SimpleClientHttpRequestFactory();
        factory.setConnectTimeout(Duration.ofSeconds(2));
        factory.setReadTimeout(Duration.ofSeconds(3)); // the timeout: a slow answer counts as no answer
        this.http = builder.baseUrl(settings.preferenceServiceUrl())
                .requestFactory(factory)
                .defaultHeader(RequestContextFilter.INTERNAL_TOKEN, web.internalToken())
                .build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .recordExceptions(PreferencesUnavailableException.class)
                .build());
        RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(100), 2.0, 0.5))
                .retryExceptions(PreferencesUnavailableException.class)
                .build());
        this.breaker = breakers.circuitBreaker("preference-service");
        this.retry = retries.retry("preference-service");
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
    }

    /**
     * Every call goes through retry (short, jittered backoff) around a circuit breaker: while
     * preference-service is down, callers fail fast and the message waits in its retry queue.
     */
    private <T> T call(java.util.function.Supplier<T> request) {
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, request))
                    .get();
        } catch (CallNotPermittedException e) {
            throw new PreferencesUnavailableException("preference-service circuit is open", e);
        }
    }

    /** What templates need of a customer: locale and attributes. Empty when the customer is unknown. */
    public record Profile(String locale, java.util.Map<String, String> attributes) {}

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record ProfileBody(String locale, java.util.Map<String, String> attributes) {}

    public java.util.Optional<Profile> profile(String tenantId, String customerId) {
        return call(() -> {
            try {
                ProfileBody body = http.get()
                        .uri("/v1/customers/{id}", customerId)
                        .header(RequestContextFilter.TENANT, tenantId)
                        .retrieve()
                        .body(ProfileBody.class);
                return java.util.Optional.ofNullable(body).map(b -> new Profile(b.locale(), b.attributes()));
            } catch (HttpClientErrorException e) {
                if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                    return java.util.Optional.<Profile>empty();
                }
                throw new PreferencesUnavailableException("preference-service answered " + e.getStatusCode(), e);
            } catch (RestClientException e) {
                throw new PreferencesUnavailableException("preference-service did not answer: " + e.getMessage(), e);
            }
        });
    }

    /** One customer's choices for one category, as {@link #resolveAll} is asked. */
    public record Question(String tenantId, String customerId, String category) {}

    private static final int ASKING_AT_ONCE = 16;
    private static final int QUESTIONS_PER_CALL = 500;

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record BatchAnswer(ResolvedChoices choices, String unknown) {}

    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    record BatchAnswers(java.util.List<BatchAnswer> answers) {}

    record BatchQuestion(String customerId, String category) {}

    record BatchQuestions(java.util.List<BatchQuestion> questions) {}

    /**
     * Each distinct question answered once: from the cache, else a tenant's questions in one call of up
     * to {@value #QUESTIONS_PER_CALL} ({@code POST /internal/v1/resolved}); an older preference-service is
     * asked one at a time, {@value #ASKING_AT_ONCE} in flight. Throws as {@link #resolve} does.
     */
    public java.util.Map<Question, PreferenceAnswer> resolveAll(java.util.Collection<Question> questions) {
        java.util.Map<Question, PreferenceAnswer> answers = new java.util.HashMap<>();
        cached.findAll(questions).forEach((q, choices) -> answers.put(q, new PreferenceAnswer.Known(choices)));
        java.util.Map<String, java.util.List<Question>> byTenant = new java.util.LinkedHashMap<>();
        for (Question question : new java.util.LinkedHashSet<>(questions)) {
            if (!answers.containsKey(question)) {
                byTenant.computeIfAbsent(question.tenantId(), t -> new java.util.ArrayList<>())
                        .add(question);
            }
        }
        for (java.util.List<Question> ofTenant : byTenant.values()) {
            for (int from = 0; from < ofTenant.size(); from += QUESTIONS_PER_CALL) {
                java.util.List<Question> chunk =
                        ofTenant.subList(from, Math.min(ofTenant.size(), from + QUESTIONS_PER_CALL));
                java.util.List<PreferenceAnswer> answered = call(() -> resolveBatchOnce(chunk));
                if (answered == null) {
                    answers.putAll(resolveEach(chunk));
                } else {
                    for (int i = 0; i < chunk.size(); i++) {
                        answers.put(chunk.get(i), answered.get(i));
                    }
                }
            }
        }
        return answers;
    }

    /** One tenant's questions in one call; null when preference-service has no such call. */
    private java.util.List<PreferenceAnswer> resolveBatchOnce(java.util.List<Question> questions) {
        try {
            BatchAnswers body = http.post()
                    .uri("/internal/v1/resolved")
                    .header(RequestContextFilter.TENANT, questions.getFirst().tenantId())
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .body(new BatchQuestions(questions.stream()
                            .map(q -> new BatchQuestion(q.customerId(), q.category()))
                            .toList()))
                    .retrieve()
                    .body(BatchAnswers.class);
            if (body == null || body.answers() == null || body.answers().size() != questions.size()) {
                throw new PreferencesUnavailableException("preference-service answered a batch of another size", null);
            }
            return body.answers().stream()
                    .map(a -> a.choices() != null
                            ? (PreferenceAnswer) new PreferenceAnswer.Known(a.choices())
                            : new PreferenceAnswer.Unknown(a.unknown() == null ? "not found" : a.unknown()))
                    .toList();
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)
                    || e.getStatusCode().isSameCodeAs(HttpStatus.METHOD_NOT_ALLOWED)) {
                return null;
            }
            throw new PreferencesUnavailableException("preference-service answered " + e.getStatusCode(), e);
        } catch (RestClientException e) {
            throw new PreferencesUnavailableException("preference-service did not answer: " + e.getMessage(), e);
        }
    }

    private java.util.Map<Question, PreferenceAnswer> resolveEach(java.util.Collection<Question> questions) {
        java.util.Map<Question, java.util.concurrent.Future<PreferenceAnswer>> asked = new java.util.HashMap<>();
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(ASKING_AT_ONCE);
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Question question : questions) {
                asked.computeIfAbsent(
                        question,
                        q -> executor.submit(() -> {
                            slots.acquire();
                            try {
                                return call(() -> resolveOnce(q.tenantId(), q.customerId(), q.category()));
                            } finally {
                                slots.release();
                            }
                        }));
            }
            java.util.Map<Question, PreferenceAnswer> answers = new java.util.HashMap<>();
            for (var entry : asked.entrySet()) {
                answers.put(entry.getKey(), entry.getValue().get());
            }
            return answers;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking preference-service", e);
        }
    }

    /** Whether the tenant has this category; empty when preference-service cannot say right now. */
    public java.util.Optional<Boolean> categoryExists(String tenantId, String category) {
        String key = tenantId + '/' + category;
        Instant known = knownCategories.get(key);
        if (known != null && known.isAfter(clock.instant())) {
            return java.util.Optional.of(true);
        }
        try {
            return java.util.Optional.of(call(() -> {
                try {
                    http.get()
                            .uri("/v1/categories/{category}", category)
                            .header(RequestContextFilter.TENANT, tenantId)
                            .retrieve()
                            .toBodilessEntity();
                    // categories are never deleted: a yes holds (a no is asked again each time)
                    if (knownCategories.size() > 10_000) {
                        knownCategories.clear();
                    }
                    knownCategories.put(key, clock.instant().plus(CATEGORY_KNOWN_FOR));
                    return true;
                } catch (HttpClientErrorException e) {
                    if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                        return false;
                    }
                    throw new PreferencesUnavailableException("preference-service answered " + e.getStatusCode(), e);
                } catch (RestClientException e) {
                    throw new PreferencesUnavailableException(
                            "preference-service did not answer: " + e.getMessage(), e);
                }
            }));
        } catch (PreferencesUnavailableException e) {
            return java.util.Optional.empty();
        }
    }

    /** From preference-service's cache when it holds the answer, else from preference-service. */
    public PreferenceAnswer resolve(String tenantId, String customerId, String category) {
        return cached.find(new Question(tenantId, customerId, category))
                .<PreferenceAnswer>map(PreferenceAnswer.Known::new)
                .orElseGet(() -> call(() -> resolveOnce(tenantId, customerId, category)));
    }

    private PreferenceAnswer resolveOnce(String tenantId, String customerId, String category) {
        try {
            ResolvedChoices choices = http.get()
                    .uri("/internal/v1/customers/{id}/resolved?category={category}", customerId, category)
                    .header(RequestContextFilter.TENANT, tenantId)
                    .retrieve()
                    .body(ResolvedChoices.class);
            return new PreferenceAnswer.Known(choices);
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                return new PreferenceAnswer.Unknown(detailOf(e));
            }
            throw new PreferencesUnavailableException("preference-service answered " + e.getStatusCode(), e);
        } catch (RestClientException e) {
            throw new PreferencesUnavailableException("preference-service did not answer: " + e.getMessage(), e);
        }
    }

    private static String detailOf(HttpClientErrorException e) {
        try {
            var problem = e.getResponseBodyAs(org.springframework.http.ProblemDetail.class);
            return problem == null || problem.getDetail() == null ? "not found" : problem.getDetail();
        } catch (RestClientException notProblemJson) {
            return "not found";
        }
    }

    /** Transient: the message is retried later, never sent against unknown preferences. */
    public static class PreferencesUnavailableException extends RuntimeException {
        PreferencesUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
