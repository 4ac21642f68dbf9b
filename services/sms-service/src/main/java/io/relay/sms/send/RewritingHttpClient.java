package io.relay.sms.send;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The Twilio SDK's own HTTP client, with requests for https://api.twilio.com sent to
 * TWILIO_API_BASE_URL instead (the SDK has no base-URL setting). Nothing else differs between a test
 * against WireMock and production.
 */
final class RewritingHttpClient extends NetworkHttpClient {

    private static final String TWILIO = "https://api.twilio.com";
    private final String baseUrl;

    RewritingHttpClient(String baseUrl) {
        // the SDK's default pool allows 20 connections per route: too few for 500+ SMS/s at 50 ms each
        super(HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(128)
                        .setMaxConnTotal(256)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5))
                                .setSocketTimeout(Timeout.ofSeconds(20))
                                .build())
                        .build()));
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public Response makeRequest(Request request) {
        String url = request.getUrl();
        if (TWILIO.equals(baseUrl) || !url.startsWith(TWILIO)) {
            return super.makeRequest(request);
        }
        Request moved = new Request(request.getMethod(), baseUrl + url.substring(TWILIO.length()));
        if (request.getAuthStrategy() != null) {
            moved.setAuth(request.getAuthStrategy());
        } else if (request.getUsername() != null) {
            moved.setAuth(request.getUsername(), request.getPassword());
        }
        copy(request.getQueryParams(), moved::addQueryParam);
        copy(request.getPostParams(), moved::addPostParam);
        copy(request.getHeaderParams(), moved::addHeaderParam);
        if (request.getContentType() != null) {
            moved.setContentType(request.getContentType());
        }
        if (request.getBody() != null) {
            moved.setBody(request.getBody());
        }
        return super.makeRequest(moved);
    }

    private static void copy(Map<String, List<String>> params, java.util.function.BiConsumer<String, String> add) {
        params.forEach((name, values) -> values.forEach(value -> add.accept(name, value)));
    }
}
