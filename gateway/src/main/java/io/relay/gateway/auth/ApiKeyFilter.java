package io.relay.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Every routed request: a valid API key or 401; the tenant header the services trust is set from the
 * key, replacing anything the client sent; a sane request id is kept or a new one given.
 */
@Component
public class ApiKeyFilter implements GlobalFilter, Ordered {

    public static final String TENANT = "X-Tenant-Id";
    public static final String REQUEST_ID = "X-Request-Id";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final ApiKeys keys;
    private final long maxBodyBytes;

    public ApiKeyFilter(ApiKeys keys, @Value("${relay.gateway.max-body-size:256KB}") DataSize maxBody) {
        this.keys = keys;
        this.maxBodyBytes = maxBody.toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String requestId = request.getHeaders().getFirst(REQUEST_ID);
        if (requestId == null || !SANE_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
        }
        if (request.getHeaders().getContentLength() > maxBodyBytes) {
            return problem(
                    exchange.getResponse(),
                    requestId,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "too-large",
                    "Request body too large",
                    "request body is larger than " + maxBodyBytes + " bytes");
        }
        if (authenticatedByService(exchange)) {
            // a signed link or Twilio's signature names the tenant; nothing the client sends may
            String linkRequestId = requestId;
            ServerHttpRequest forwarded = request.mutate()
                    .headers(h -> {
                        h.remove(TENANT);
                        h.remove(HttpHeaders.AUTHORIZATION);
                        h.set(REQUEST_ID, linkRequestId);
                    })
                    .build();
            return chain.filter(exchange.mutate().request(forwarded).build());
        }
        Optional<String> tenant = keys.tenantOf(bearer(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION)));
        if (tenant.isEmpty()) {
            return problem(
                    exchange.getResponse(),
                    requestId,
                    HttpStatus.UNAUTHORIZED,
                    "unauthenticated",
                    "Unauthenticated",
                    "a valid API key is required: Authorization: Bearer <key>");
        }
        String id = requestId;
        ServerHttpRequest forwarded = request.mutate()
                .headers(h -> {
                    h.remove(TENANT);
                    h.set(TENANT, tenant.get());
                    h.set(REQUEST_ID, id);
                })
                .build();
        return chain.filter(exchange.mutate().request(forwarded).build());
    }

    /** Routes whose service checks its own credential (metadata auth: link-token, twilio-signature). */
    private static boolean authenticatedByService(ServerWebExchange exchange) {
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        Object auth = route == null ? null : route.getMetadata().get("auth");
        return "link-token".equals(auth) || "twilio-signature".equals(auth);
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    private static Mono<Void> problem(
            ServerHttpResponse response,
            String requestId,
            HttpStatus status,
            String type,
            String title,
            String detail) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(REQUEST_ID, requestId);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        // fixed texts only: nothing from the request is echoed into the body
        byte[] body = ("{\"type\":\"https://relay.example/problems/" + type + "\",\"title\":\"" + title
                        + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
