package io.relay.channel.spring;

import io.relay.channel.Delivery;
import io.relay.channel.email.EmailChannel;
import io.relay.channel.email.EmailProvider;
import io.relay.channel.push.PushChannel;
import io.relay.channel.push.PushProvider;
import io.relay.channel.sms.SmsChannel;
import io.relay.channel.sms.SmsProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** The channel a service works, from the provider adapter it declares: a service declares only its adapter. */
@AutoConfiguration(before = ChannelAutoConfiguration.class)
public class ChannelDeliveryAutoConfiguration {

    @Bean
    @ConditionalOnBean(SmsProvider.class)
    @ConditionalOnMissingBean(Delivery.class)
    SmsChannel smsChannel(
            SmsProvider provider,
            org.springframework.beans.factory.ObjectProvider<io.relay.channel.sms.SmsAccounts> accounts) {
        return new SmsChannel(provider, accounts.getIfAvailable());
    }

    @Bean
    @ConditionalOnBean(EmailProvider.class)
    @ConditionalOnMissingBean(Delivery.class)
    EmailChannel emailChannel(
            EmailProvider provider,
            org.springframework.beans.factory.ObjectProvider<io.relay.channel.email.EmailAccounts> accounts) {
        return new EmailChannel(provider, accounts.getIfAvailable());
    }

    @Bean
    @ConditionalOnBean(PushProvider.class)
    @ConditionalOnMissingBean(Delivery.class)
    PushChannel pushChannel(
            PushProvider provider,
            org.springframework.beans.factory.ObjectProvider<io.relay.channel.push.PushAccounts> accounts) {
        return new PushChannel(provider, accounts.getIfAvailable());
    }
}
