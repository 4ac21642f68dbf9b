package io.relay.gateway.admin;

import io.relay.gateway.GatewayProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.stereotype.Component;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The operator API's own listener ({@code ADMIN_PORT}, 8090): the application's one handler chain (its
 * filters, the operator token's check, the handlers) served on a second port that no Ingress routes and
 * compose does not publish. Which paths each port answers is {@link OperatorPortFilter}'s decision.
 */
@Component
public class OperatorListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OperatorListener.class);

    // looked up at start: the handler chain holds OperatorPortFilter, which asks this listener its port
    private final ObjectProvider<HttpHandler> handler;
    private final int configuredPort;
    private final String address;
    private volatile DisposableServer server;

    public OperatorListener(ObjectProvider<HttpHandler> handler, GatewayProperties settings) {
        this.handler = handler;
        this.configuredPort = settings.gateway().adminPort();
        this.address = settings.gateway().adminAddress();
    }

    @Override
    public void start() {
        server = HttpServer.create()
                .host(address)
                .port(configuredPort)
                .handle(new ReactorHttpHandlerAdapter(handler.getObject()))
                .bindNow(Duration.ofSeconds(10));
        log.info("operator API (/admin/**) listening on {}:{}", address, server.port());
    }

    @Override
    public void stop() {
        DisposableServer running = server;
        if (running != null) {
            running.disposeNow(Duration.ofSeconds(10));
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port it listens on (the bound one, when ADMIN_PORT is 0); -1 before start. */
    public int port() {
        DisposableServer running = server;
        return running == null ? -1 : running.port();
    }
}
