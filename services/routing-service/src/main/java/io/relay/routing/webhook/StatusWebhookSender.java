package io.relay.routing.webhook;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookSigningException;
import io.relay.routing.RoutingProperties;
import io.relay.security.OutboundTargets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * POSTs one owed webhook to the tenant's URL, signed as the Standard Webhooks specification has it
 * ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * id.timestamp.body>}) and, for receivers built before that, {@code X-Signature: sha256=<hex HMAC of the
 * body>}. The URL must be https and its host public ({@link OutboundTargets}): the client connects only
 * to the addresses that check passed, so a name that changes its answer afterwards (DNS rebinding) gains
 * nothing; redirects are not followed and at most 64 KiB of the answer is read. Anything but 2xx throws.
 */
@Component
public class StatusWebhookSender implements DisposableBean {

    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final OutboundTargets targets;
    private final CloseableHttpClient http;

    public StatusWebhookSender(RoutingProperties settings) {
        String allowedHosts = settings.webhooks().allowedHosts();
        Duration timeout = settings.webhooks().timeout();
        this.targets = new OutboundTargets(allowedHosts);
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                throw new UnknownHostException("resolved with its port only");
            }

            @Override
            public java.util.List<java.net.InetSocketAddress> resolve(String host, int port)
                    throws UnknownHostException {
                return targets.resolve(host, port).stream()
                        .map(address -> new java.net.InetSocketAddress(address, port))
                        .toList();
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setMaxConnTotal(200)
                        .setMaxConnPerRoute(8)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(3))
                                .setSocketTimeout(Timeout.of(timeout))
                                .build())
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(timeout))
                        .setConnectionRequestTimeout(Timeout.ofSeconds(5))
                        .build())
                .build();
    }

    /** Sends {@code delivery}'s body to {@code webhook} as of {@code now}; throws unless it answers 2xx. */
    public void send(TenantWebhooks.Webhook webhook, WebhookDeliveries.Delivery delivery, Instant now)
            throws IOException {
        var refusal = targets.refusal(webhook.url());
        if (refusal.isPresent()) {
            throw new IOException("webhookUrl " + refusal.get());
        }
        HttpPost post = new HttpPost(URI.create(webhook.url()));
        post.setHeader("webhook-id", delivery.eventId());
        post.setHeader("webhook-timestamp", Long.toString(now.getEpochSecond()));
        post.setHeader("webhook-signature", standardSignature(webhook.secret(), delivery, now));
        post.setHeader("X-Signature", "sha256=" + sign(webhook.secret(), delivery.payload()));
        post.setEntity(new StringEntity(delivery.payload(), ContentType.APPLICATION_JSON));
        int status = http.execute(post, response -> {
            if (response.getEntity() != null) {
                try (InputStream answer = response.getEntity().getContent()) {
                    answer.readNBytes(MAX_ANSWER_BYTES); // bounded: the rest is dropped with the connection
                }
            }
            return response.getCode();
        });
        if (status / 100 != 2) {
            throw new IOException("the business's webhook answered " + status);
        }
    }

    /** {@code v1,<base64 HMAC-SHA256 of id.timestamp.body>} under the secret's key bytes. */
    static String standardSignature(String secret, WebhookDeliveries.Delivery delivery, Instant now) {
        try {
            return new Webhook(key(secret)).sign(delivery.eventId(), now.getEpochSecond(), delivery.payload());
        } catch (WebhookSigningException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The HMAC key of a {@code whsec_} secret: the bytes the part after the prefix decodes to (base64, the
     * standard or the URL-safe alphabet), as Standard Webhooks libraries read it.
     */
    static byte[] key(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notStandard) {
            try {
                return Base64.getUrlDecoder().decode(encoded);
            } catch (IllegalArgumentException notBase64) {
                return secret.getBytes(StandardCharsets.UTF_8);
            }
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

    @Override
    public void destroy() throws IOException {
        http.close();
    }
}
