package io.relay.routing.customer;

import io.relay.web.RequestContextFilter;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Asks preference-service, in one call, what a customer accepts for a category. "No such customer or
 * category" is an answer; anything else that goes wrong is {@link PreferencesUnavailableException},
 * and routing waits rather than guessing.
 */
@Component
public class PreferenceClient {

    private final RestClient http;

    public PreferenceClient(RestClient.Builder builder, @Value("${relay.preference-service-url}") String baseUrl) {
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build());
        factory.setReadTimeout(Duration.ofSeconds(3));
        this.http = builder.baseUrl(baseUrl).requestFactory(factory).build();
    }

    public PreferenceAnswer resolve(String tenantId, String customerId, String category) {
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
