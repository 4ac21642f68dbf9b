package io.relay.push.send;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code fcm.*}: the project, the service-account JSON (its token_uri is where OAuth2 tokens come
 * from) and where requests go (WireMock in tests, a simulator locally). Values and their environment
 * variables: application.yml.
 */
@ConfigurationProperties("fcm")
public record FcmProperties(String projectId, String credentialsFile, String apiBaseUrl) {

    public boolean configured() {
        return projectId != null && !projectId.isBlank() && credentialsFile != null && !credentialsFile.isBlank();
    }
}
