package io.relay.gateway.admin;

import io.relay.gateway.edge.ProblemResponse;
import java.net.InetSocketAddress;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Which port answers what: the operator API, and the gateway's own internal API for the services
 * ({@code /internal/**}), only on the operator listener ({@link OperatorListener}), and nothing else there;
 * on the public port neither exists (404), however its path is spelled. Runs after
 * the canonical-path check and before the operator token's.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class OperatorPortFilter implements WebFilter {

    private final OperatorListener operator;

    public OperatorPortFilter(OperatorListener operator) {
        this.operator = operator;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        InetSocketAddress local = exchange.getRequest().getLocalAddress();
        boolean onOperatorPort = local != null && local.getPort() == operator.port();
        String first =
                AdminTokenFilter.firstSegment(exchange.getRequest().getPath().pathWithinApplication());
        boolean operatorPath = first.equalsIgnoreCase("admin") || first.equalsIgnoreCase("internal");
        if (onOperatorPort == operatorPath) {
            return chain.filter(exchange);
        }
        return ProblemResponse.write(
                exchange.getResponse(),
                HttpStatus.NOT_FOUND,
                "not-found",
                "Not found",
                "no such resource on this port");
    }
}
