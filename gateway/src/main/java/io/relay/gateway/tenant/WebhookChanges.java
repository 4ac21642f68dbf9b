package io.relay.gateway.tenant;

import io.relay.gateway.GatewayProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tells routing-service of a tenant's webhook change when the operator makes it, so status changes of
 * messages it already holds go to the new URL (or stop) at once. Routing also hears the webhook with
 * each of the tenant's message requests, and keeps whichever statement has the newest settings version:
 * when it cannot be told now (down, restarting), it learns the change with the tenant's next message.
 * Blocking: called from the operator API's elastic threads.
 */
@Component
public class WebhookChanges {

    private static final Logger log = LoggerFactory.getLogger(WebhookChanges.class);
    private static final int ATTEMPTS = 3;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final URI endpoint;
    private final String internalToken;

    public WebhookChanges(GatewayProperties settings) {
        String routingUrl = settings.gateway().routingUrl();
        String internalToken = settings.internalToken();
        this.endpoint = URI.create(routingUrl.replaceAll("/+$", "") + "/internal/webhook");
        this.internalToken = internalToken;
    }

    /** Tells routing the tenant's webhook as it now stands; true when routing took it. */
    public boolean tell(TenantStore.Tenant tenant) {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("url", tenant.settings().getOrDefault("webhookUrl", ""));
        change.put("secret", tenant.settings().getOrDefault("webhookSecret", ""));
        change.put("version", tenant.settingsVersion());
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(2))
                .header("Content-Type", "application/json")
                .header("X-Tenant-Id", tenant.tenantId())
                .header("X-Internal-Token", internalToken)
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(change)))
                .build();
        String outcome = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status / 100 == 2) {
                    return true;
                }
                outcome = "answered " + status;
                if (status / 100 == 4) {
                    break; // it will not take this one however often it is asked
                }
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = "interrupted";
                break;
            }
            if (attempt < ATTEMPTS) {
                pause(attempt);
            }
        }
        // neither the URL nor the secret in the log: the URL may carry a token of the business's
        log.warn(
                "routing-service not told of tenant {}'s webhook change (version {}): {}; it learns it with the"
                        + " tenant's next message request",
                tenant.tenantId(),
                tenant.settingsVersion(),
                outcome);
        return false;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
