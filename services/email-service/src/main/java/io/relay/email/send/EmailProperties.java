package io.relay.email.send;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code relay.email.*}: what every email carries whatever the relay. Values and their environment
 * variables: application.yml.
 *
 * @param from the platform's sender for tenants without one of their own
 * @param unsubscribeMailto the address of List-Unsubscribe's {@code mailto:} form; empty for none
 */
@Validated
@ConfigurationProperties("relay.email")
public record EmailProperties(@NotBlank String from, String unsubscribeMailto) {}
