package io.relay.links;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The links a customer follows, as full URLs under PUBLIC_BASE_URL: the preference centre, and
 * one-click unsubscribe from one category on one channel (long-lived: it must still work when an old
 * email is opened).
 */
public final class LinkUrls {

    private final LinkTokens tokens;
    private final String publicBaseUrl;
    private final Duration preferenceTtl;
    private final Duration unsubscribeTtl;

    public LinkUrls(LinkTokens tokens, String publicBaseUrl, Duration preferenceTtl, Duration unsubscribeTtl) {
        this.tokens = tokens;
        this.publicBaseUrl =
                publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        this.preferenceTtl = preferenceTtl;
        this.unsubscribeTtl = unsubscribeTtl;
    }

    public record Link(String url, Instant expiresAt) {}

    public Link preferences(String tenantId, String customerId) {
        return link(
                "/preferences",
                tokens.issue(tenantId, customerId, LinkClaims.PREFERENCES, null, null, preferenceTtl),
                LinkClaims.PREFERENCES);
    }

    public Link unsubscribe(String tenantId, String customerId, String category, String channel) {
        return link(
                "/unsubscribe",
                tokens.issue(tenantId, customerId, LinkClaims.UNSUBSCRIBE, category, channel, unsubscribeTtl),
                LinkClaims.UNSUBSCRIBE);
    }

    private Link link(String path, String token, String purpose) {
        return new Link(
                publicBaseUrl + path + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8),
                tokens.verify(token, purpose).expiresAt());
    }
}
