package io.relay.links.spring;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code relay.links.*}: the customer links, the same in every service that issues or checks them
 * (preference-service, email-service). Values and their environment variables: those services'
 * application.yml.
 *
 * @param signingKey signs new links (and checks them)
 * @param previousKeys older signing keys, comma-separated, that still check (rotation); null for none
 * @param preferenceTtl how long a link to the preference centre lives
 * @param unsubscribeTtl how long a one-click unsubscribe link lives
 */
@Validated
@ConfigurationProperties("relay.links")
public record LinkProperties(
        @NotNull String signingKey,
        String previousKeys,
        @NotNull Duration preferenceTtl,
        @NotNull Duration unsubscribeTtl) {}
