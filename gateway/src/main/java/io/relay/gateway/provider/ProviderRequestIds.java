package io.relay.gateway.provider;

import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/providers} is answered by the gateway itself, not routed, so ApiKeyFilter's request id does
 * not reach it: every answer there echoes a sane {@code X-Request-Id}, or carries a new one, as the routed
 * API's answers do.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 30)
class ProviderRequestIds implements WebFilter {

    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (exchange.getRequest().getPath().value().startsWith("/v1/providers")) {
            String id = exchange.getRequest().getHeaders().getFirst("X-Request-Id");
            exchange.getResponse()
                    .getHeaders()
                    .set(
                            "X-Request-Id",
                            id != null && SANE_ID.matcher(id).matches()
                                    ? id
                                    : UUID.randomUUID().toString());
        }
        return chain.filter(exchange);
    }
}
