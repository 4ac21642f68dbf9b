package io.relay.push.send;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * FCM_PROJECT_ID, FCM_CREDENTIALS_FILE (a service-account JSON; its token_uri is where OAuth2 tokens
 * come from), FCM_API_BASE_URL (https://fcm.googleapis.com; WireMock in tests, a simulator locally).
 */
@ConfigurationProperties("fcm")
public record FcmProperties(
        String projectId,
        String credentialsFile,
        @DefaultValue("https://fcm.googleapis.com") String apiBaseUrl) {

    public boolean configured() {
        return projectId != null && !projectId.isBlank() && credentialsFile != null && !credentialsFile.isBlank();
    }
}
