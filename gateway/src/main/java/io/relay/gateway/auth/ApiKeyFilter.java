package io.relay.gateway.auth;

import io.relay.gateway.GatewayProperties;
import io.relay.gateway.auth.Admissions.Admission;
import io.relay.gateway.edge.ProblemResponse;
import io.relay.gateway.proxy.ProxyHeaders;
import io.relay.gateway.tenant.TenantStore;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Every routed request: a valid API key or 401; the tenant header the services trust is set from the
 * key, replacing anything the client sent (the headers go out through {@link ProxyHeaders}); a sane
 * request id is kept or a new one given.
 */
@Component
public class ApiKeyFilter implements GlobalFilter, Ordered {

    public static final String TENANT = "X-Tenant-Id";
    public static final String REQUEST_ID = "X-Request-Id";
    /** Shared with the services (INTERNAL_TOKEN): their proof that X-Tenant-Id came from here. */
    public static final String INTERNAL = "X-Internal-Token";

    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private final Admissions admissions;
    private final PerAddressLimit perAddress;
    private final long maxBodyBytes;
    private final String internalToken;
    private final String defaultSmsCountries;

    public ApiKeyFilter(Admissions admissions, PerAddressLimit perAddress, GatewayProperties settings) {
        DataSize maxBody = settings.gateway().maxBodySize();
        String internalToken = settings.internalToken();
        String defaultSmsCountries = settings.gateway().smsDefaultCountries() == null
                ? ""
                : settings.gateway().smsDefaultCountries();
        this.internalToken = internalToken;
        this.defaultSmsCountries = defaultSmsCountries.isBlank() ? "*" : defaultSmsCountries.strip();
        this.admissions = admissions;
        this.perAddress = perAddress;
        this.maxBodyBytes = maxBody.toBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String requestId = request.getHeaders().getFirst(REQUEST_ID);
        if (requestId == null || !SANE_ID.matcher(requestId).matches()) {
            requestId = newRequestId();
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
            // (ProxyHeaders drops every X-Tenant-* header, the internal token and Authorization)
            // and where the request came from, which a customer's consent records as evidence
            String client = perAddress.client(request);
            exchange.getAttributes().put(ProxyHeaders.SET, Map.of(REQUEST_ID, requestId, CLIENT_ADDRESS, client));
            String id = requestId;
            return Mono.fromCallable(() -> perAddress.admit(client))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(admitted -> {
                        if (admitted) {
                            return chain.filter(exchange);
                        }
                        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
                        return problem(
                                exchange.getResponse(),
                                id,
                                HttpStatus.TOO_MANY_REQUESTS,
                                "rate-limited",
                                "Too many requests",
                                "over the limit of requests per second from one address; retry after a second");
                    });
        }
        String presented = bearer(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        String id = requestId;
        // almost always answered from memory; otherwise Redis is asked off the event loop
        Admission remembered = admissions.fromMemory(presented);
        Mono<Admission> admission = remembered != null
                ? Mono.just(remembered)
                : Mono.fromCallable(() -> admissions.check(presented)).subscribeOn(Schedulers.boundedElastic());
        return admission.flatMap(answer -> switch (answer) {
            case Admission.Unknown unknown ->
                problem(
                        exchange.getResponse(),
                        id,
                        HttpStatus.UNAUTHORIZED,
                        "unauthenticated",
                        "Unauthenticated",
                        "a valid API key is required: Authorization: Bearer <key>");
            case Admission.Limited limited -> {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
                yield problem(
                        exchange.getResponse(),
                        id,
                        HttpStatus.TOO_MANY_REQUESTS,
                        "rate-limited",
                        "Too many requests",
                        "over this tenant's limit of requests per second; retry after a second");
            }
            case Admission.Admitted admitted -> {
                // what the service receives besides the client's own headers (see ProxyHeaders)
                Map<String, String> set = new HashMap<>(8);
                set.put(TENANT, admitted.tenantId());
                // who acted, for the records that must say so (the consent ledger, suppression lifts)
                set.put(KEY_ID, admitted.keyId());
                // the tenant's senders travel with its requests: no service reads the gateway's store
                putIfPresent(set, SMS_FROM, admitted.settings().get("smsFrom"));
                putIfPresent(set, EMAIL_FROM, admitted.settings().get("emailFrom"));
                // what paid sends may cost: the countries it may text, segments per SMS, a daily quota
                set.put(SMS_COUNTRIES, admitted.settings().getOrDefault("smsCountries", defaultSmsCountries));
                set.put(SMS_MAX_SEGMENTS, admitted.settings().getOrDefault("smsMaxSegments", "10"));
                putIfPresent(set, SMS_DAILY_QUOTA, admitted.settings().get("smsDailyQuota"));
                // the zone of the tenant's customers who have none of their own (quiet hours, windows)
                putIfPresent(set, TIME_ZONE, admitted.settings().get("timeZone"));
                if (request.getPath().value().startsWith("/v1/messages")) {
                    // routing keeps the tenant's status webhook from its message requests; empty values
                    // say there is none (any more)
                    set.put(WEBHOOK_URL, admitted.settings().getOrDefault("webhookUrl", ""));
                    set.put(WEBHOOK_SECRET, admitted.settings().getOrDefault("webhookSecret", ""));
                    // as of which settings change: routing keeps the newest it hears of
                    set.put(SETTINGS_VERSION, admitted.settings().getOrDefault(TenantStore.SETTINGS_VERSION, "0"));
                }
                set.put(INTERNAL, internalToken);
                set.put(REQUEST_ID, id);
                exchange.getAttributes().put(ProxyHeaders.SET, set);
                yield chain.filter(exchange);
            }
        });
    }

    public static final String KEY_ID = "X-Tenant-Key-Id";
    /** Set by the gateway alone (a client's X-Forwarded-* never passes): the client's address. */
    public static final String CLIENT_ADDRESS = "X-Forwarded-For";

    public static final String SMS_FROM = "X-Tenant-Sms-From";
    public static final String EMAIL_FROM = "X-Tenant-Email-From";
    public static final String WEBHOOK_URL = "X-Tenant-Webhook-Url";
    public static final String WEBHOOK_SECRET = "X-Tenant-Webhook-Secret";
    public static final String SETTINGS_VERSION = "X-Tenant-Settings-Version";
    public static final String SMS_COUNTRIES = "X-Tenant-Sms-Countries";
    public static final String SMS_MAX_SEGMENTS = "X-Tenant-Sms-Max-Segments";
    public static final String SMS_DAILY_QUOTA = "X-Tenant-Sms-Daily-Quota";
    public static final String TIME_ZONE = "X-Tenant-Time-Zone";

    /**
     * A version-4 UUID from a thread's own generator: a request id names a request in logs and is no
     * secret, so it is not worth SecureRandom's cost on every request.
     */
    private static String newRequestId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    private static void putIfPresent(Map<String, String> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
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
        response.getHeaders().set(REQUEST_ID, requestId);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        // fixed texts only: nothing from the request is echoed into the body
        return ProblemResponse.write(response, status, type, title, detail);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
