package io.relay.routing.webhook;

import io.relay.contracts.Envelope;
import io.relay.contracts.payload.StatusChanged;
import io.relay.messaging.EnvelopeHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs a status change to the tenant's webhookUrl, signed {@code X-Signature: sha256=<hex HMAC of the
 * body>} under the tenant's webhook secret. Anything but 2xx throws, and the change waits in the
 * webhook retry queue (10 s, 30 attempts, then parked): the retries live in RabbitMQ, not in memory.
 */
@Component
public class StatusWebhookSender implements EnvelopeHandler {

    private final TenantWebhooks webhooks;
    private final JsonMapper json;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public StatusWebhookSender(TenantWebhooks webhooks, JsonMapper json) {
        this.webhooks = webhooks;
        this.json = json;
    }

    @Override
    public void handle(Envelope<Object> envelope) throws IOException, InterruptedException {
        StatusChanged change = (StatusChanged) envelope.payload();
        var webhook = webhooks.find(envelope.tenantId());
        if (webhook.isEmpty()) {
            return; // the tenant removed its webhook meanwhile
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", change.id());
        body.put("status", change.status());
        body.put("channel", change.channel());
        body.put("at", change.at() == null ? null : change.at().toString());
        body.put("reason", change.reason());
        String payload = json.writeValueAsString(body);
        HttpResponse<Void> response = http.send(
                HttpRequest.newBuilder(URI.create(webhook.get().url()))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("X-Signature", "sha256=" + sign(webhook.get().secret(), payload))
                        .POST(HttpRequest.BodyPublishers.ofString(payload))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("the business's webhook answered " + response.statusCode());
        }
    }

    static String sign(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
