package io.relay.gateway.proxy;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import io.micrometer.tracing.propagation.Propagator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;

/**
 * The headers that cross the gateway, each way made in one pass. Spring Cloud Gateway's own filters
 * (hop-by-hop, Forwarded, X-Forwarded-*, gRPC, transfer-encoding and the client span's) each copied
 * every header again, and the key check copied them once more to set the tenant.
 *
 * <p>To a service: the client's headers, less the hop-by-hop ones (and those its {@code Connection}
 * names), the forwarding headers (no proxy in front of the gateway is trusted), everything the gateway
 * speaks for ({@code X-Tenant-*}, {@code X-Internal-Token}, {@code X-Request-Id}) and the API key
 * itself, which no service needs; then the gateway's own from {@link #SET}, and the trace context of
 * the gateway's server span, so the service's span is its child.
 *
 * <p>To the client: the service's headers less the hop-by-hop ones.
 */
public final class ProxyHeaders {

    /** Exchange attribute: the headers (name to value) the gateway sets on the request to the service. */
    public static final String SET = ProxyHeaders.class.getName() + ".set";

    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "proxy-authorization",
            "proxy-authenticate",
            "x-application-context");

    private static final Set<String> GATEWAYS =
            Set.of("authorization", "forwarded", "x-internal-token", "x-request-id");

    private ProxyHeaders() {}

    /** The request's headers as the service receives them. */
    public static HttpHeadersFilter toService(Propagator propagator) {
        return new HttpHeadersFilter() {
            @Override
            public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
                HttpHeaders out = new HttpHeaders();
                Set<String> named = connectionOptions(input);
                // a chunked body's length is the chunks' (RFC 9112 6.3): a Content-Length beside it is dropped
                boolean chunked = "chunked".equalsIgnoreCase(trimmed(input.getFirst(HttpHeaders.TRANSFER_ENCODING)));
                // forEach, not headerSet(): read-only headers build a new set for that on every call
                input.forEach((name, values) -> {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (!hopByHop(lower, named)
                            && !GATEWAYS.contains(lower)
                            && !lower.startsWith("x-forwarded-")
                            && !lower.startsWith("x-tenant-")
                            && !(chunked && lower.equals("content-length"))) {
                        out.put(name, values);
                    }
                });
                Map<String, String> set = exchange.getAttribute(SET);
                if (set != null) {
                    set.forEach(out::set);
                }
                Span span = serverSpan(exchange);
                if (span != null) {
                    propagator.inject(span.context(), out, HttpHeaders::set);
                }
                return out;
            }

            @Override
            public boolean supports(Type type) {
                return type == Type.REQUEST;
            }
        };
    }

    /** The service's answer's headers as the client receives them. */
    public static HttpHeadersFilter toClient() {
        return new HttpHeadersFilter() {
            @Override
            public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
                Set<String> named = connectionOptions(input);
                boolean any = false;
                for (String name : input.headerNames()) {
                    any |= hopByHop(name.toLowerCase(Locale.ROOT), named);
                }
                if (!any) {
                    // the usual answer: nothing to take out, nothing to copy
                    return input;
                }
                HttpHeaders out = new HttpHeaders();
                input.forEach((name, values) -> {
                    if (!hopByHop(name.toLowerCase(Locale.ROOT), named)) {
                        out.put(name, values);
                    }
                });
                return out;
            }

            @Override
            public boolean supports(Type type) {
                return type == Type.RESPONSE;
            }
        };
    }

    /** For this connection only: always, or because the message's {@code Connection} header names it. */
    private static boolean hopByHop(String lowerCaseName, Set<String> named) {
        return HOP_BY_HOP.contains(lowerCaseName) || named.contains(lowerCaseName);
    }

    /** Header names a {@code Connection} header lists, lower case: hop-by-hop by that listing. */
    private static Set<String> connectionOptions(HttpHeaders headers) {
        List<String> connection = headers.get(HttpHeaders.CONNECTION);
        if (connection == null || connection.isEmpty()) {
            return Set.of();
        }
        return connection.stream()
                .flatMap(value -> java.util.Arrays.stream(value.split(",")))
                .map(option -> option.strip().toLowerCase(Locale.ROOT))
                .filter(option -> !option.isEmpty())
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static Span serverSpan(ServerWebExchange exchange) {
        ServerRequestObservationContext server = ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .orElse(null);
        TracingContext tracing = server == null ? null : server.get(TracingContext.class);
        return tracing == null ? null : tracing.getSpan();
    }

    private static String trimmed(String value) {
        return value == null ? null : value.strip();
    }
}
