package io.relay.gateway.edge;

import io.relay.security.CanonicalPath;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The first thing every request meets, on every port: a raw path that the route predicates, the operator
 * token's check and the handlers could read differently ({@link CanonicalPath}) is answered 400
 * problem+json before any route, filter or handler runs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CanonicalPathFilter implements WebFilter {

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Optional<String> refusal =
                CanonicalPath.refusal(exchange.getRequest().getURI().getRawPath());
        if (refusal.isEmpty()) {
            return chain.filter(exchange);
        }
        return ProblemResponse.write(
                exchange.getResponse(), HttpStatus.BAD_REQUEST, CanonicalPath.problemJson(refusal.get()));
    }
}
