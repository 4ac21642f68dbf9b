package io.relay.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's internal API as a channel service's own tests need it when they are not about tenants'
 * provider accounts: no tenant has any, so every message goes through the platform's account. A test about
 * them stubs the real answers (WireMock) instead.
 */
public final class GatewayStandIn implements AutoCloseable {

    private final HttpServer server;

    private GatewayStandIn(HttpServer server) {
        this.server = server;
    }

    /** Answers {@code /internal/provider-accounts} with no accounts and the platform's allowed. */
    public static GatewayStandIn withoutTenantAccounts() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/internal/provider-accounts", exchange -> {
                byte[] body = "{\"usePlatformDefault\":true,\"accounts\":[]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new GatewayStandIn(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
