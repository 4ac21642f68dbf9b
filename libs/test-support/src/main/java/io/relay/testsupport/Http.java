package io.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain HTTP client for tests that talk to a running service the way a caller would. */
public final class Http {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public Http(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** The local-run secret services share with the gateway (INTERNAL_TOKEN's default). */
    public static final String LOCAL_INTERNAL_TOKEN = "local-internal-token-not-a-secret";

    /** A client that calls a service as the gateway does: the tenant, and the proof it came from the gateway. */
    public static Http asGateway(String baseUrl, String tenantId) {
        return new Http(baseUrl).header("X-Tenant-Id", tenantId).header("X-Internal-Token", LOCAL_INTERNAL_TOKEN);
    }

    public Http header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public String headerValue(String name) {
        return headers.get(name);
    }

    public Http without(String name) {
        headers.remove(name);
        return this;
    }

    public HttpResponse<String> get(String path) {
        return send("GET", path, null, Map.of());
    }

    public HttpResponse<String> delete(String path) {
        return send("DELETE", path, null, Map.of());
    }

    public HttpResponse<String> put(String path, String json) {
        return send("PUT", path, json, Map.of());
    }

    public HttpResponse<String> post(String path, String json) {
        return send("POST", path, json, Map.of());
    }

    public HttpResponse<String> send(String method, String path, String json, Map<String, String> extraHeaders) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(20));
        headers.forEach(request::header);
        extraHeaders.forEach(request::header);
        if (json != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
