package io.relay.gateway.admin;

import io.relay.gateway.GatewayProperties;
import io.relay.gateway.edge.ProblemResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.PathContainer;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * {@code /admin/**} only with {@code Authorization: Bearer <ADMIN_TOKEN>}, compared in constant time.
 * Without an ADMIN_TOKEN configured, the operator API is closed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 50)
public class AdminTokenFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(AdminTokenFilter.class);
    private final byte[] token;

    public AdminTokenFilter(GatewayProperties settings) {
        String token = settings.gateway().adminToken();
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
        if (this.token == null) {
            log.warn("relay.gateway.admin-token is not set: the operator API (/admin/**) refuses every request");
        }
    }

    /**
     * Whether the handler mapping could take this path for {@code /admin/**}. It matches the decoded
     * segments without their {@code ;} parameters, so that is what is looked at here too (not the raw
     * path, which {@code /%61dmin} or {@code /admin;x=1} would walk around), after dropping empty and
     * dot segments; any case of "admin" counts, so no spelling the router might accept is left open.
     */
    static boolean isOperatorPath(PathContainer path) {
        return "admin".equalsIgnoreCase(firstSegment(path));
    }

    /** The first segment as the handler mapping would see it (decoded, without parameters, dots resolved). */
    static String firstSegment(PathContainer path) {
        Deque<String> segments = new ArrayDeque<>();
        for (PathContainer.Element element : path.elements()) {
            if (element instanceof PathContainer.PathSegment segment) {
                String value = segment.valueToMatch();
                if (value.isEmpty() || value.equals(".")) {
                    continue;
                }
                if (value.equals("..")) {
                    segments.pollLast();
                    continue;
                }
                segments.addLast(value);
            }
        }
        return segments.isEmpty() ? "" : segments.peekFirst().strip();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!isOperatorPath(exchange.getRequest().getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        byte[] presented = header != null && header.startsWith("Bearer ")
                ? header.substring(7).getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (token != null && MessageDigest.isEqual(token, presented)) {
            return chain.filter(exchange);
        }
        return ProblemResponse.write(
                exchange.getResponse(),
                HttpStatus.UNAUTHORIZED,
                "unauthenticated",
                "Unauthenticated",
                "the operator token is required: Authorization: Bearer <ADMIN_TOKEN>");
    }
}
