package io.relay.gateway.edge;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;

/** The gateway's own refusals, written before any handler runs: a status and an RFC 9457 body. */
public final class ProblemResponse {

    private ProblemResponse() {}

    /** Answers {@code status} with {@code problemJson} (fixed texts only: nothing of the request echoed). */
    public static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String problemJson) {
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = problemJson.getBytes(StandardCharsets.UTF_8);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    /**
     * Answers {@code status} with a problem of {@code type} ({@code https://relay.example/problems/<type>}).
     * Fixed texts only: nothing is escaped, so nothing of the request may be in them.
     */
    public static Mono<Void> write(
            ServerHttpResponse response, HttpStatus status, String type, String title, String detail) {
        return write(
                response,
                status,
                "{\"type\":\"https://relay.example/problems/" + type + "\",\"title\":\"" + title + "\",\"status\":"
                        + status.value() + ",\"detail\":\"" + detail + "\"}");
    }
}
