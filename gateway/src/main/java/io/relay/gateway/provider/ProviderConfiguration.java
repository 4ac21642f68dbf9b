package io.relay.gateway.provider;

import io.relay.security.SecretBox;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ProviderConfiguration {

    /** Sealing and opening tenants' provider credentials (RequiredSecrets has checked the keys). */
    @Bean
    SecretBox providerSecrets(ProviderProperties providers) {
        return new SecretBox(providers.secretsKey(), providers.secretsKeysPrevious());
    }
}
