package io.relay.gateway.proxy;

import java.util.List;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.resources.ConnectionProvider;

/** The gateway's client to the services, as Spring Cloud Gateway builds it, with a pool per event loop. */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

    @Bean
    HttpClientFactory gatewayHttpClientFactory(
            HttpClientProperties properties,
            ServerProperties server,
            List<HttpClientCustomizer> customizers,
            HttpClientSslConfigurer ssl) {
        return new HttpClientFactory(properties, server, ssl, customizers) {
            @Override
            protected ConnectionProvider buildConnectionProvider(HttpClientProperties pool) {
                // the pool settings (application.yml) apply to each event loop's pool
                return new PoolPerEventLoop(() -> super.buildConnectionProvider(pool));
            }
        };
    }
}
