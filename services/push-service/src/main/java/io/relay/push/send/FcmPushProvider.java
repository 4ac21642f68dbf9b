package io.relay.push.send;

import com.google.auth.oauth2.GoogleCredentials;
import io.relay.channel.ProviderRefused;
import io.relay.channel.ProviderTrouble;
import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.push.PushProvider;
import io.relay.contracts.payload.ContactEvent;
import io.relay.security.OutboundTargets;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One FCM project over HTTP v1 as a {@link PushProvider}: {@code POST /v1/projects/{project}/messages:send},
 * one token per request, with an OAuth2 access token from the project's service account
 * (google-auth-library caches and refreshes it). The platform's project ({@link FcmConfiguration}) and each
 * tenant's own ({@link #forTenant}) are instances of it.
 */
public class FcmPushProvider implements PushProvider {

    private static final Logger log = LoggerFactory.getLogger(FcmPushProvider.class);
    private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final String projectId;
    private final String apiBaseUrl;
    private final GoogleCredentials credentials;
    private final JsonMapper json;

    FcmPushProvider(String projectId, GoogleCredentials credentials, String apiBaseUrl, JsonMapper json) {
        this.projectId = projectId;
        this.credentials = credentials;
        this.apiBaseUrl = apiBaseUrl;
        this.json = json;
    }

    /** The platform's project (FCM_*), or one that waits when it is not configured. */
    static FcmPushProvider platform(FcmProperties fcm, JsonMapper json) {
        GoogleCredentials credentials = fcm.configured() ? load(fcm.credentialsFile()) : null;
        if (credentials == null) {
            log.warn("FCM is not configured (fcm.project-id, fcm.credentials-file): push dispatches will wait");
        } else {
            log.info("sending push through {} for project {}", fcm.apiBaseUrl(), fcm.projectId());
        }
        return new FcmPushProvider(fcm.projectId(), credentials, fcm.apiBaseUrl(), json);
    }

    /**
     * A tenant's own project from its account: the service account's JSON, whose {@code token_uri} must be
     * https to a public address (or a simulator PROVIDER_ALLOWED_HOSTS names).
     *
     * @throws IllegalArgumentException naming what is wrong with the JSON (never its contents)
     */
    public static FcmPushProvider forTenant(
            TenantAccounts.Opened account, String apiBaseUrl, JsonMapper json, OutboundTargets targets) {
        return new FcmPushProvider(
                (String) account.config().get("projectId"),
                tenantCredentials(account.secrets().get("serviceAccountJson"), json, targets),
                apiBaseUrl,
                json);
    }

    /** A service account's credentials, once its token_uri is one we may call. */
    public static GoogleCredentials tenantCredentials(String serviceAccount, JsonMapper json, OutboundTargets targets) {
        JsonNode parsed;
        try {
            parsed = json.readTree(serviceAccount);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the service account is not JSON");
        }
        String tokenUri = parsed.path("token_uri").asString("");
        targets.refusal(tokenUri).ifPresent(why -> {
            throw new IllegalArgumentException("its token_uri is refused: " + why);
        });
        try {
            return GoogleCredentials.fromStream(new java.io.ByteArrayInputStream(
                            serviceAccount.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .createScoped(List.of(SCOPE));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("it is not a service account's key (type, client_email, private_key)");
        }
    }

    /** Whether the service account can have an access token: a harmless call that needs its key to be right. */
    public static void checkToken(GoogleCredentials credentials) throws IOException {
        credentials.refresh();
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
                        URI.create(apiBaseUrl + "/v1/projects/" + projectId + "/messages:send"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(message(push))))
                .build();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
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
        if (status == 403 && "SENDER_ID_MISMATCH".equals(errorCode)) {
            // the token belongs to another project's app: another of the tenant's projects may own it
            throw ProviderRefused.byThisAccount(
                    errorCode, "FCM 403 SENDER_ID_MISMATCH: the token is another project's");
        }
        if (status == 403) {
            throw new io.relay.channel.ProviderMisconfigured(
                    errorCode == null ? "403" : errorCode, "FCM refuses this project's service account (403)", null);
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
