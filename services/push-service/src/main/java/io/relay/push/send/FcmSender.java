package io.relay.push.send;

import com.google.auth.oauth2.GoogleCredentials;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * FCM HTTP v1: {@code POST /v1/projects/{project}/messages:send}, one token per request, with an
 * OAuth2 access token from the service account (google-auth-library caches and refreshes it).
 */
@Component
public class FcmSender {

    private static final Logger log = LoggerFactory.getLogger(FcmSender.class);
    private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final FcmProperties fcm;
    private final GoogleCredentials credentials;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final JsonMapper json;

    public FcmSender(FcmProperties fcm, JsonMapper json) {
        this.fcm = fcm;
        this.json = json;
        this.credentials = fcm.configured() ? load(fcm.credentialsFile()) : null;
        if (credentials == null) {
            log.warn("FCM is not configured (FCM_PROJECT_ID, FCM_CREDENTIALS_FILE): push dispatches will wait");
        } else {
            log.info("sending push through {} for project {}", fcm.apiBaseUrl(), fcm.projectId());
        }
    }

    private static GoogleCredentials load(String file) {
        try (InputStream in = new FileInputStream(file)) {
            return GoogleCredentials.fromStream(in).createScoped(List.of(SCOPE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read FCM_CREDENTIALS_FILE " + file, e);
        }
    }

    /** FCM took it: the message name it gave. */
    public record Sent(String name) {}

    /** This token will never work (UNREGISTERED, INVALID_ARGUMENT on the token): drop it. */
    public static final class DeadToken extends RuntimeException {
        DeadToken(String reason) {
            super(reason);
        }
    }

    /** Worth retrying (429, 5xx, no answer); {@code retryAfter} when FCM said how long to wait. */
    public static final class TransientFailure extends RuntimeException {
        private final Duration retryAfter;

        TransientFailure(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    public Sent send(
            String token, String title, String body, Map<String, String> data, Instant expiresAt, Instant now) {
        if (credentials == null) {
            throw new TransientFailure("FCM is not configured", null);
        }
        String accessToken;
        try {
            credentials.refreshIfExpired();
            accessToken = credentials.getAccessToken().getTokenValue();
        } catch (IOException e) {
            throw new TransientFailure("no OAuth2 token from the service account's token_uri: " + e.getMessage(), null);
        }
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(fcm.apiBaseUrl() + "/v1/projects/" + fcm.projectId() + "/messages:send"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(
                        json.writeValueAsString(message(token, title, body, data, expiresAt, now))))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TransientFailure("FCM could not be reached: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("interrupted", null);
        }
        int status = response.statusCode();
        if (status == 200) {
            return new Sent(json.readTree(response.body()).path("name").asString());
        }
        String errorCode = errorCode(response.body());
        if (status == 404
                || "UNREGISTERED".equals(errorCode)
                || (status == 400 && "INVALID_ARGUMENT".equals(errorCode))) {
            throw new DeadToken("FCM " + status + " " + (errorCode == null ? "" : errorCode));
        }
        if (status == 401) {
            try {
                credentials.refresh(); // the next attempt carries a fresh token
            } catch (IOException e) {
                log.warn("OAuth2 token refresh failed: {}", e.toString());
            }
        }
        Duration retryAfter = response.headers()
                .firstValue("Retry-After")
                .map(FcmSender::seconds)
                .orElse(null);
        throw new TransientFailure("FCM answered " + status + (errorCode == null ? "" : " " + errorCode), retryAfter);
    }

    /** Notification plus data, and each platform's TTL from expiresAt (the provider drops it after). */
    Map<String, Object> message(
            String token, String title, String body, Map<String, String> data, Instant expiresAt, Instant now) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("token", token);
        Map<String, String> notification = new LinkedHashMap<>();
        if (title != null) {
            notification.put("title", title);
        }
        if (body != null) {
            notification.put("body", body);
        }
        message.put("notification", notification);
        if (data != null && !data.isEmpty()) {
            message.put("data", data);
        }
        if (expiresAt != null) {
            long ttl = Math.max(0, Duration.between(now, expiresAt).toSeconds());
            message.put("android", Map.of("ttl", ttl + "s"));
            message.put(
                    "apns", Map.of("headers", Map.of("apns-expiration", Long.toString(expiresAt.getEpochSecond()))));
            message.put("webpush", Map.of("headers", Map.of("TTL", Long.toString(ttl))));
        }
        return Map.of("message", message);
    }

    private String errorCode(String body) {
        try {
            JsonNode error = json.readTree(body).path("error");
            for (JsonNode detail : error.path("details")) {
                if (detail.has("errorCode")) {
                    return detail.get("errorCode").asString();
                }
            }
            return error.has("status") ? error.get("status").asString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Duration seconds(String value) {
        try {
            return Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
