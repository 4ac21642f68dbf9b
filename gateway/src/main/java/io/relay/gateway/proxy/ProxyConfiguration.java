package io.relay.gateway.proxy;

import io.micrometer.tracing.propagation.Propagator;
import io.netty.handler.timeout.ReadTimeoutException;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientCustomizer;
import org.springframework.cloud.gateway.config.HttpClientFactory;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.config.HttpClientSslConfigurer;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The gateway's client to the services, as Spring Cloud Gateway builds it, with a pool per event loop;
 * and Spring Cloud Gateway's routing filters with {@link ProxyHeaders} as their only header filters
 * ({@code global-filter.netty-routing.enabled: false} in application.yml turns off the stock pair, which
 * would take every header filter bean).
 */
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

    @Bean
    NettyRoutingFilter routingFilter(
            HttpClient httpClient, HttpClientProperties properties, ObjectProvider<Propagator> propagator) {
        // The response timeout becomes Reactor Netty's: a read timeout on the connection's own event loop.
        // Spring Cloud Gateway's (Flux.timeout) set and cancelled a timer on a shared scheduler per request.
        // The connect timeout is already on the client (HttpClientFactory); given again, the filter would
        // copy the client's configuration per request to set it.
        Duration timeout = properties.getResponseTimeout();
        HttpClient client = timeout == null ? httpClient : httpClient.responseTimeout(timeout);
        return new NettyRoutingFilter(
                client,
                fixed(List.of(
                        ProxyHeaders.toService(propagator.getIfAvailable(() -> Propagator.NOOP)),
                        ProxyHeaders.toClient())),
                new HttpClientProperties()) {
            @Override
            public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
                return super.filter(exchange, chain)
                        .onErrorMap(
                                ReadTimeoutException.class,
                                silent -> new ResponseStatusException(
                                        HttpStatus.GATEWAY_TIMEOUT,
                                        "the service did not answer within " + timeout,
                                        silent));
            }
        };
    }

    @Bean
    NettyWriteResponseFilter nettyWriteResponseFilter(GatewayProperties properties) {
        // its header filters are for trailers only, and the services send none
        return new NettyWriteResponseFilter(properties.getStreamingMediaTypes(), fixed(List.of()));
    }

    private static ObjectProvider<List<HttpHeadersFilter>> fixed(List<HttpHeadersFilter> filters) {
        return new ObjectProvider<>() {
            @Override
            public List<HttpHeadersFilter> getObject() {
                return filters;
            }

            @Override
            public List<HttpHeadersFilter> getIfAvailable() {
                return filters;
            }
        };
    }
}
