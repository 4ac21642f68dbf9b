package io.relay.gateway.internal;

import io.relay.gateway.GatewayProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The gateway's internal API (operator listener, {@code /internal/**}) answers only a caller that proves
 * itself with the internal token: 401 otherwise. The answer, blocking, runs off the event loop.
 */
@Component
class InternalProof {

    private final byte[] internalToken;

    InternalProof(GatewayProperties settings) {
        this.internalToken = settings.internalToken().getBytes(StandardCharsets.UTF_8);
    }

    Mono<ResponseEntity<Object>> answer(String proof, Callable<ResponseEntity<Object>> answer) {
        if (proof == null || !MessageDigest.isEqual(internalToken, proof.getBytes(StandardCharsets.UTF_8))) {
            return Mono.just(ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Map.of(
                            "type", "https://relay.example/problems/unauthenticated",
                            "title", "Unauthenticated",
                            "status", 401,
                            "detail", "X-Internal-Token is required")));
        }
        return Mono.fromCallable(answer).subscribeOn(Schedulers.boundedElastic());
    }
}
