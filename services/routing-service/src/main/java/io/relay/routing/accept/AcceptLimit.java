package io.relay.routing.accept;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.relay.routing.RoutingProperties;
import io.relay.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.Semaphore;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * How many messages this replica accepts at once ({@code ROUTING_ACCEPTS_AT_ONCE}). Past it a request
 * is turned away at once with 503 and {@code Retry-After}, before anything is stored: nothing was
 * promised, and the caller retries. Without the bound, a replica that falls behind (a cold restart
 * into full traffic, a slow database or broker) keeps taking requests it cannot finish, each one a
 * parked thread holding its body, until its heap runs out and it loses them all at once.
 *
 * <p>When no place is free, the request is turned away as soon as Spring MVC has chosen
 * {@code POST /v1/messages}'s handler, before the body is read: it costs no JSON parsing, no exception
 * and no exception resolver. Those made a refusal cost about as much CPU as an acceptance (JFR: a
 * tenth of routing's samples in a half-minute that refused one request in seven), just when the
 * replica had none to spare. The place itself is taken and given back by the handler ({@link #enter}).
 */
@Component
public class AcceptLimit implements HandlerInterceptor, WebMvcConfigurer {

    private final Semaphore slots;
    private final Counter turnedAway;
    /** The one answer a request turned away gets, here or from the handler's race ({@link #answer}). */
    private final ResponseEntity<String> answer;
    /** Its body as bytes, written by {@link #preHandle} as they are. */
    private final byte[] body;

    public AcceptLimit(RoutingProperties properties, MeterRegistry meters) {
        int atOnce = properties.routing().acceptsAtOnce();
        this.slots = new Semaphore(atOnce);
        this.turnedAway = Counter.builder("relay_accepts_turned_away")
                .description("messages refused with 503 because this replica was accepting as many as it may at once")
                .register(meters);
        ResponseEntity<String> problem = Problems.asText(
                HttpStatus.SERVICE_UNAVAILABLE,
                "busy",
                "Not accepted",
                "this routing replica is already accepting " + atOnce
                        + " messages at once; nothing was stored; try again in a second");
        this.answer = ResponseEntity.status(problem.getStatusCode())
                .headers(problem.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem.getBody());
        this.body = answer.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The answer to a request turned away: {@code 503}, the problem of type {@code busy}, {@code Retry-After}. */
    public ResponseEntity<String> answer() {
        return answer;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (slots.availablePermits() > 0
                || !(handler instanceof HandlerMethod method)
                || method.getBeanType() != MessageController.class
                || !method.getMethod().getName().equals("post")) {
            return true;
        }
        turnedAway.increment();
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(value -> response.addHeader(name, value)));
        response.setContentLength(body.length);
        response.getOutputStream().write(body); // bytes: a writer would add a charset to the type
        return false;
    }

    /** A place among the messages being accepted, given back by closing it (once: try-with-resources). */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Taken by the handler itself, so it is given back before the answer is written: a caller that has
     * its answer finds the place free. Two requests that both passed {@link #preHandle} for the last
     * place: the second is turned away here.
     *
     * @throws Busy when this replica is already accepting as many messages as it may
     */
    public Slot enter() {
        if (!slots.tryAcquire()) {
            turnedAway.increment();
            throw new Busy();
        }
        return slots::release;
    }

    /** This replica is accepting as many messages as it may: try again in a moment. */
    public static final class Busy extends RuntimeException {
        Busy() {
            // no stack trace: it is answered with answer(), never logged, and turning away must stay cheap
            super("no place free among the messages accepted at once", null, false, false);
        }
    }
}
