package io.relay.gateway.provider;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code relay.providers.*}: the key tenants' provider credentials are sealed under
 * ({@code PROVIDER_SECRETS_KEY}), the keys they may still be sealed under while a rotation runs
 * ({@code PROVIDER_SECRETS_KEYS_PREVIOUS}), and where the channel service that checks an SMS account's
 * credentials listens. Values and variables: application.yml.
 */
@ConfigurationProperties("relay.providers")
public record ProviderProperties(String secretsKey, String secretsKeysPrevious, String smsServiceUrl) {

    @Override
    public String toString() {
        return "ProviderProperties[sms service " + smsServiceUrl + ", keys hidden]";
    }
}
