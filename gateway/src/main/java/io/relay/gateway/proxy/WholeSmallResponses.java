package io.relay.gateway.proxy;

import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A service's small answer goes to the client in one write. Spring Cloud Gateway streams every answer
 * as it comes: the status line and headers, each body chunk and the closing chunk each took a system
 * call (three for a typical JSON answer, which the services send chunked). Here the answer is held
 * until it is complete or passes {@link #MAX_BYTES}; a complete one leaves as one HTTP message with its
 * length, a larger one streams on from where it is. Server-sent events and other streaming types never
 * come through here (the gateway flushes those itself), nor does HEAD.
 */
@Component
public class WholeSmallResponses implements GlobalFilter, Ordered {

    static final long MAX_BYTES = 64 * 1024;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        if (HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
            return chain.filter(exchange);
        }
        return chain.filter(exchange.mutate().response(new Whole(exchange)).build());
    }

    private static final class Whole extends ServerHttpResponseDecorator {

        Whole(ServerWebExchange exchange) {
            super(exchange.getResponse());
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            if (getHeaders().getContentLength() > MAX_BYTES) {
                return super.writeWith(body);
            }
            long[] seen = {0};
            boolean[] large = {false};
            // one group when the answer completes within MAX_BYTES; otherwise a group at the crossing,
            // then one per chunk
            Flux<List<DataBuffer>> groups = Flux.<DataBuffer>from(body).bufferUntil(chunk -> {
                seen[0] += chunk.readableByteCount();
                large[0] |= seen[0] > MAX_BYTES;
                return large[0];
            });
            return groups.switchOnFirst((first, all) -> {
                        if (first.hasValue() && !large[0]) {
                            // the whole answer is here, and nothing follows it
                            return super.writeWith(
                                    all.next().map(group -> bufferFactory().join(group)));
                        }
                        return super.writeWith(all.concatMapIterable(group -> group));
                    })
                    .then();
        }
    }

    @Override
    public int getOrder() {
        // before the filter that writes the service's answer, so that it writes through this one
        return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;
    }
}
