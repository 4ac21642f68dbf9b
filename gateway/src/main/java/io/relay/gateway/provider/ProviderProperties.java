package io.relay.gateway.provider;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.providers.*}: the key tenants' provider credentials are sealed under
 * ({@code PROVIDER_SECRETS_KEY}), the keys they may still be sealed under while a rotation runs
 * ({@code PROVIDER_SECRETS_KEYS_PREVIOUS}), and where the channel services that check an account's
 * credentials listen. Values and variables: application.yml.
 */
@ConfigurationProperties("relay.providers")
public record ProviderProperties(
        String secretsKey,
        String secretsKeysPrevious,
        String smsServiceUrl,
        String emailServiceUrl,
        String pushServiceUrl) {

    @Override
    public String toString() {
        return "ProviderProperties[sms service " + smsServiceUrl + ", email service " + emailServiceUrl
                + ", push service " + pushServiceUrl + ", keys hidden]";
    }
}
