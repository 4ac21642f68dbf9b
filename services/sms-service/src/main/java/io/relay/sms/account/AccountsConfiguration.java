package io.relay.sms.account;

import io.relay.channel.accounts.TenantAccounts;
import io.relay.channel.spring.ChannelProperties;
import io.relay.security.SecretBox;
import io.relay.web.WebProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Tenants' own Twilio accounts: read from the gateway, opened with PROVIDER_SECRETS_KEY, kept in memory. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProvidersProperties.class)
class AccountsConfiguration {

    @Bean
    TenantAccounts tenantAccounts(
            ProvidersProperties providers, ChannelProperties channel, WebProperties web, Clock clock) {
        return new TenantAccounts(
                channel.gatewayAdminUrl(),
                web.internalToken(),
                new SecretBox(providers.secretsKey(), providers.secretsKeysPrevious()),
                providers.cacheTtl(),
                clock);
    }
}
