package io.relay.gateway.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What a caller hears when the gateway cannot get an answer it can pass on, instead of a {@code 500}:
 *
 * <ul>
 *   <li>{@code 503 unavailable}, {@code Retry-After: 1}: the service behind the path refused the
 *       connection, so the request never got there and nothing was done;
 *   <li>{@code 502 upstream-broken}: the service closed the connection before it answered, so the
 *       request may or may not have taken effect (a message sent again with the same
 *       {@code Idempotency-Key} is answered as the first was, and never sent twice);
 *   <li>{@code 503 busy}, {@code Retry-After: 1}: every connection the gateway may open to the service
 *       was in use for {@code httpclient.pool.acquire-timeout}, so the request was not forwarded (it was
 *       a {@code 500} with a stack trace in the log, each, when an overloaded routing-service held them
 *       all);
 *   <li>{@code 503 unavailable}, {@code Retry-After: 1}: the gateway's own store of keys and limits
 *       (Redis) did not answer, so nothing was forwarded.
 * </ul>
 *
 * Each is counted ({@code relay_gateway_upstream_failures_total{kind}}) and logged without a stack
 * trace: the first of a spell at once, the rest as one line every 10 s with how many there were. An
 * outage behind the gateway used to write a 2.6 KB stack trace for every refused request (20 MB in
 * the fault suite's few seconds of routing downtime).
 * Ordered before Spring Boot's own handler (-1), which answers everything else.
 */
@Component
@Order(-2)
public class UpstreamFailures implements WebExceptionHandler, org.springframework.beans.factory.DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(UpstreamFailures.class);
    private static final long LOG_EVERY = Duration.ofSeconds(10).toMillis();

    /** The kinds of failure this handler answers, with their answer. */
    enum Kind {
        UNREACHABLE(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the service behind this path could not be reached; the request never got there, so nothing was"
                        + " done; try again"),
        BROKEN(
                HttpStatus.BAD_GATEWAY,
                "upstream-broken",
                "Bad gateway",
                "the service behind this path closed the connection before it answered: the request may or may"
                        + " not have taken effect; a message sent again with the same Idempotency-Key is answered as"
                        + " the first was and never sent twice"),
        BUSY(
                HttpStatus.SERVICE_UNAVAILABLE,
                "busy",
                "Not accepted",
                "the gateway had no free connection to the service behind this path in time (it was answering"
                        + " as many requests as it may at once); the request was not forwarded, so nothing was done;"
                        + " try again after Retry-After"),
        STORE(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "Service unavailable",
                "the gateway cannot check this request right now; nothing was forwarded; try again");

        final HttpStatus status;
        final String type;
        final String title;
        final String detail;

        Kind(HttpStatus status, String type, String title, String detail) {
            this.status = status;
            this.type = type;
            this.title = title;
            this.detail = detail;
        }
    }

    private final Map<Kind, Counter> counted = new EnumMap<>(Kind.class);
    private final Map<Kind, AtomicLong> sinceLogged = new EnumMap<>(Kind.class);
    private final Map<Kind, java.util.concurrent.atomic.AtomicBoolean> active = new EnumMap<>(Kind.class);
    private final Map<Kind, java.util.concurrent.atomic.AtomicReference<Throwable>> latest = new EnumMap<>(Kind.class);
    private final reactor.core.Disposable flushing;

    public UpstreamFailures(MeterRegistry meters) {
        for (Kind kind : Kind.values()) {
            counted.put(
                    kind,
                    Counter.builder("relay.gateway.upstream.failures")
                            .description("requests answered 502 or 503 because the service behind the path, or the"
                                    + " gateway's Redis, gave no answer to pass on")
                            .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                            .register(meters));
            sinceLogged.put(kind, new AtomicLong());
            active.put(kind, new java.util.concurrent.atomic.AtomicBoolean());
            latest.put(kind, new java.util.concurrent.atomic.AtomicReference<>());
        }
        flushing = reactor.core.scheduler.Schedulers.parallel()
                .schedulePeriodically(this::flush, LOG_EVERY, LOG_EVERY, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        Kind kind = kindOf(failure);
        if (kind != Kind.STORE
                && exchange.getAttribute(
                                org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR)
                        == null) {
            kind = null; // not a proxied request: the gateway's own handlers' failures are not a service's
        }
        ServerHttpResponse response = exchange.getResponse();
        if (kind == null || response.isCommitted()) {
            return Mono.error(failure);
        }
        counted.get(kind).increment();
        report(kind, failure);
        if (kind.status == HttpStatus.SERVICE_UNAVAILABLE) {
            response.getHeaders().set("Retry-After", "1");
        }
        return ProblemResponse.write(response, kind.status, kind.type, kind.title, kind.detail);
    }

    /**
     * Reactor Netty's connection pool (its shaded reactor-pool) could not lend a connection: none came free
     * within {@code httpclient.pool.acquire-timeout}, or too many requests were waiting for one. Matched by
     * name, as the classes are Reactor Netty's internal copies.
     */
    private static final java.util.Set<String> POOL_EXHAUSTED =
            java.util.Set.of("PoolAcquireTimeoutException", "PoolAcquirePendingLimitException");

    /** The kind of failure, looked for along the causes; null when it is none of them. */
    static Kind kindOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return Kind.UNREACHABLE;
            }
            if (POOL_EXHAUSTED.contains(t.getClass().getSimpleName())) {
                return Kind.BUSY;
            }
            if (t instanceof reactor.netty.http.client.PrematureCloseException || t instanceof IOException) {
                return Kind.BROKEN;
            }
            if (t instanceof JedisConnectionException
                    || (t instanceof JedisDataException
                            && String.valueOf(t.getMessage()).startsWith("LOADING"))) {
                return Kind.STORE;
            }
        }
        return null;
    }

    /**
     * The first failure of a kind after a quiet spell is logged at once; the rest are counted and
     * logged as one line every 10 s while they last ({@link #flush}): an outage is not a log flood.
     */
    private void report(Kind kind, Throwable failure) {
        latest.get(kind).set(failure); // its text is made only when a line is logged
        if (active.get(kind).compareAndSet(false, true)) {
            log.warn(
                    "requests now answered {} ({}): {}; while this lasts they are counted here every 10 s",
                    kind.status.value(),
                    kind.name().toLowerCase(java.util.Locale.ROOT),
                    failure.toString());
        } else {
            sinceLogged.get(kind).incrementAndGet();
        }
    }

    /** Every 10 s: how many more of each kind there were, or the end of its spell when there were none. */
    public void flush() {
        for (Kind kind : Kind.values()) {
            long more = sinceLogged.get(kind).getAndSet(0);
            if (more > 0) {
                log.warn(
                        "{} more request(s) answered {} ({}) in the last 10 s; the latest: {}",
                        more,
                        kind.status.value(),
                        kind.name().toLowerCase(java.util.Locale.ROOT),
                        String.valueOf(latest.get(kind).get()));
            } else {
                active.get(kind).set(false);
            }
        }
    }

    @Override
    public void destroy() {
        flushing.dispose();
    }
}
