package io.relay.preference.export;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * preference-service's own settings ({@code relay.*}; the rest are libs/web's and libs/links'). Values
 * and the environment variables that set them: application.yml.
 *
 * @param routingServiceUrl where the customer's messages are read for an export
 */
@Validated
@ConfigurationProperties("relay")
public record ExportProperties(@NotBlank String routingServiceUrl) {}
