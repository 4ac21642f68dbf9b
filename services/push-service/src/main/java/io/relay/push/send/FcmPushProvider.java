package io.relay.push.send;

import com.google.auth.oauth2.GoogleCredentials;
import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import io.relay.channel.push.PushProvider;
import io.relay.contracts.payload.ContactEvent;
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
 * FCM HTTP v1 as the {@link PushProvider}: {@code POST /v1/projects/{project}/messages:send}, one token per request, with an
 * OAuth2 access token from the service account (google-auth-library caches and refreshes it).
 */
@Component
public class FcmPushProvider implements PushProvider {

    private static final Logger log = LoggerFactory.getLogger(FcmPushProvider.class);
    private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final FcmProperties fcm;
    private final GoogleCredentials credentials;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final JsonMapper json;

    public FcmPushProvider(FcmProperties fcm, JsonMapper json) {
        this.fcm = fcm;
        this.json = json;
        this.credentials = fcm.configured() ? load(fcm.credentialsFile()) : null;
        if (credentials == null) {
            log.warn("FCM is not configured (fcm.project-id, fcm.credentials-file): push dispatches will wait");
        } else {
            log.info("sending push through {} for project {}", fcm.apiBaseUrl(), fcm.projectId());
        }
    }

    private static GoogleCredentials load(String file) {
        try (InputStream in = new FileInputStream(file)) {
            return GoogleCredentials.fromStream(in).createScoped(List.of(SCOPE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fcm.credentials-file " + file, e);
        }
    }

    @Override
    public String name() {
        return "fcm";
    }

    /** Sends to one token and returns the message name FCM gave it. */
    @Override
    public String send(Push push) {
        if (credentials == null) {
            throw ProviderTrouble.answered("FCM is not configured", null, null);
        }
        String accessToken;
        try {
            credentials.refreshIfExpired();
            accessToken = credentials.getAccessToken().getTokenValue();
        } catch (IOException e) {
            throw ProviderTrouble.answered(
                    "no OAuth2 token from the service account's token_uri: " + e.getMessage(), e, null);
        }
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(fcm.apiBaseUrl() + "/v1/projects/" + fcm.projectId() + "/messages:send"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(message(push))))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ProviderTrouble.answered("FCM could not be reached: " + e.getMessage(), e, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderTrouble.answered("interrupted", e, null);
        }
        int status = response.statusCode();
        if (status == 200) {
            return json.readTree(response.body()).path("name").asString();
        }
        String errorCode = errorCode(response.body());
        if (status == 404
                || "UNREGISTERED".equals(errorCode)
                || (status == 400 && "INVALID_ARGUMENT".equals(errorCode))) {
            throw new ProviderRefused(
                    errorCode == null ? Integer.toString(status) : errorCode,
                    "FCM " + status + " " + (errorCode == null ? "" : errorCode),
                    ContactEvent.Kind.PUSH_TOKEN_INVALID);
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
                .map(FcmPushProvider::seconds)
                .orElse(null);
        throw ProviderTrouble.answered(
                "FCM answered " + status + (errorCode == null ? "" : " " + errorCode), null, retryAfter);
    }

    /** Notification plus data, and each platform's TTL from expiresAt (the provider drops it after). */
    Map<String, Object> message(Push push) {
        String title = push.title();
        String body = push.body();
        Map<String, String> data = push.data();
        Instant expiresAt = push.expiresAt();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("token", push.token());
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
            long ttl = Math.max(0, Duration.between(push.now(), expiresAt).toSeconds());
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
