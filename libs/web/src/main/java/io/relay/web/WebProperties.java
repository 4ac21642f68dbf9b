package io.relay.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code relay.*} every HTTP service shares. Values and the environment variables that set them:
 * each service's application.yml; docs/configuration.md lists them.
 *
 * @param internalToken the gateway's proof that a request's tenant header came from it
 * @param publicBaseUrl the address the outside world reaches the platform at (links, callbacks); null
 *     in a service that builds neither
 * @param http limits on what a request may carry
 */
@Validated
@ConfigurationProperties("relay")
public record WebProperties(
        @NotNull String internalToken,
        String publicBaseUrl,
        @Valid @NotNull Http http) {

    /** @param maxBodySize the largest request body taken; larger is 413 */
    public record Http(@NotNull DataSize maxBodySize) {}

    /** The public base URL without a trailing slash. */
    public String publicBase() {
        if (publicBaseUrl == null) {
            throw new IllegalStateException("relay.public-base-url is not set for this service");
        }
        return publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
    }
}
