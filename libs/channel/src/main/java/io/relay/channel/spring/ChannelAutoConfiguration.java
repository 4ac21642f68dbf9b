package io.relay.channel.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.relay.channel.ChannelEvents;
import io.relay.channel.ChannelWorker;
import io.relay.channel.Delivery;
import io.relay.channel.ProviderTrouble;
import io.relay.channel.sms.SenderTenants;
import io.relay.channel.sms.SmsInbound;
import io.relay.channel.sms.SmsProvider;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.messaging.EnvelopeCodec;
import io.relay.messaging.QueueConsumer;
import io.relay.messaging.Queues;
import io.relay.messaging.spring.DeclaredQueues;
import io.relay.resilience.ProviderResilience;
import io.relay.web.WebProperties;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The wiring every channel service shares, given its one {@link Delivery} bean: the provider's
 * resilience (with metrics and spans), the worker, the dispatch queue's consumers, and the event
 * queues declared so events wait for their consumers even while those are down.
 */
@AutoConfiguration(
        after = {io.relay.messaging.spring.MessagingAutoConfiguration.class, io.relay.redis.RedisAutoConfiguration.class
        })
@ConditionalOnBean(Delivery.class)
@EnableConfigurationProperties({ChannelProperties.class, ProviderAccountsProperties.class})
public class ChannelAutoConfiguration {

    /**
     * Tenants' own provider accounts (docs/providers.md), where the service takes them: read from the
     * gateway's internal API, opened with PROVIDER_SECRETS_KEY, kept in memory.
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty("relay.providers.secrets-key")
    io.relay.channel.accounts.TenantAccounts tenantAccounts(
            ProviderAccountsProperties providers, ChannelProperties channel, WebProperties web, Clock clock) {
        if (channel.gatewayAdminUrl() == null) {
            throw new IllegalStateException("relay.gateway-admin-url must be set where tenants' own accounts are used");
        }
        return new io.relay.channel.accounts.TenantAccounts(
                channel.gatewayAdminUrl(),
                web.internalToken(),
                new io.relay.security.SecretBox(providers.secretsKey(), providers.secretsKeysPrevious()),
                providers.cacheTtl(),
                clock);
    }

    /** The gateway's check of a tenant's account, where the service has a {@link io.relay.channel.accounts.CredentialCheck}. */
    @Bean
    @ConditionalOnBean(io.relay.channel.accounts.CredentialCheck.class)
    io.relay.channel.accounts.CredentialCheckController credentialCheckController(
            io.relay.channel.accounts.TenantAccounts accounts, io.relay.channel.accounts.CredentialCheck check) {
        return new io.relay.channel.accounts.CredentialCheckController(accounts, check);
    }

    /** Where a tenant's account may point: public addresses, and the named simulators of a local run. */
    @Bean
    io.relay.security.OutboundTargets providerTargets(ProviderAccountsProperties providers) {
        return new io.relay.security.OutboundTargets(providers.allowedHosts());
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Closed after the dispatch consumers stopped: it publishes what their last work handed over. */
    @Bean(destroyMethod = "close")
    io.relay.channel.DeliveryBatcher deliveryBatcher(
            Delivery<?> delivery, ConfirmingPublisher publisher, Clock clock, ChannelProperties properties) {
        return new io.relay.channel.DeliveryBatcher(
                delivery.channel(),
                publisher,
                clock,
                properties.channel().eventsLinger(),
                properties.channel().eventsBatchMax());
    }

    @Bean
    ChannelEvents channelEvents(
            Delivery<?> delivery,
            ConfirmingPublisher publisher,
            Clock clock,
            io.relay.channel.DeliveryBatcher batcher) {
        return new ChannelEvents(delivery.channel(), publisher, clock, batcher);
    }

    /** Retry (trouble only, honouring Retry-After), circuit breaker, rate limiter and bulkhead. */
    @Bean
    ProviderResilience providerResilience(
            Delivery<?> delivery,
            ChannelProperties properties,
            MeterRegistry meters,
            ObjectProvider<ObservationRegistry> observations) {
        return new ProviderResilience(
                        delivery.provider(),
                        ProviderTrouble.class,
                        ProviderTrouble::retryAfter,
                        trouble -> !trouble.mayHaveTaken(),
                        properties.channel().ratePerSecond(),
                        properties.channel().maxConcurrentCalls(),
                        meters)
                .observedBy(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * The platform account's resilience, and one of the same shape for each tenant account as it is first
     * used: circuit breakers and rate limits are per provider account.
     */
    @Bean
    ChannelWorker<?> channelWorker(
            Delivery<?> delivery,
            ChannelEvents events,
            redis.clients.jedis.JedisPooled redis,
            ProviderResilience platform,
            Clock clock,
            ChannelProperties properties,
            MeterRegistry meters,
            ObjectProvider<ObservationRegistry> observations) {
        java.util.Map<String, ProviderResilience> byProvider = new java.util.concurrent.ConcurrentHashMap<>();
        byProvider.put(delivery.provider(), platform);
        return new ChannelWorker<>(
                delivery,
                events,
                redis,
                provider -> byProvider.computeIfAbsent(
                        provider,
                        name -> new ProviderResilience(
                                        name,
                                        ProviderTrouble.class,
                                        ProviderTrouble::retryAfter,
                                        trouble -> !trouble.mayHaveTaken(),
                                        properties.channel().ratePerSecond(),
                                        properties.channel().maxConcurrentCalls(),
                                        meters)
                                .observedBy(observations.getIfAvailable(() -> ObservationRegistry.NOOP))),
                clock,
                properties.channel().sendingLease(),
                properties.channel().recordTtl(),
                properties.channel().maxAge(),
                meters);
    }

    @Bean
    QueueConsumer dispatches(
            Delivery<?> delivery,
            ChannelWorker<?> worker,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            ChannelProperties properties) {
        return new QueueConsumer(
                Queues.dispatch(delivery.channel())
                        .withConcurrency(properties.channel().consumers()),
                worker,
                codec,
                publisher);
    }

    /** STOP and START texted to us, for the tenants the gateway says send from the receiving number. */
    @Bean
    @ConditionalOnBean(SmsProvider.class)
    SmsInbound smsInbound(
            SmsProvider provider, ChannelProperties properties, WebProperties web, ChannelEvents events, Clock clock) {
        if (properties.gatewayAdminUrl() == null) {
            throw new IllegalStateException("relay.gateway-admin-url must be set where SMS come in");
        }
        return new SmsInbound(
                new SenderTenants(provider.defaultSender(), properties.gatewayAdminUrl(), web.internalToken()),
                events,
                clock);
    }

    @Bean
    ParkedDispatches parkedDispatches(
            Delivery<?> delivery, com.rabbitmq.client.Connection connection, ChannelProperties properties) {
        return new ParkedDispatches(
                connection,
                Queues.dispatch(delivery.channel()).name(),
                properties.channel().parkedReplayInterval());
    }

    /** Erasures: the customer's parked dispatches and what the channel keeps about them go. */
    @Bean
    QueueConsumer erasures(
            Delivery<?> delivery,
            com.rabbitmq.client.Connection connection,
            EnvelopeCodec codec,
            ConfirmingPublisher publisher,
            ObjectProvider<io.relay.channel.ErasureHook> hooks) {
        return new QueueConsumer(
                Queues.erasures(delivery.channel()),
                new ErasedCustomers(
                        connection,
                        codec,
                        Queues.dispatch(delivery.channel()).name(),
                        hooks.orderedStream().toList()),
                codec,
                publisher);
    }

    @Bean
    DeclaredQueues eventQueues() {
        return DeclaredQueues.of(Queues.ROUTING_DELIVERY, Queues.PREFERENCE_CONTACT);
    }
}
