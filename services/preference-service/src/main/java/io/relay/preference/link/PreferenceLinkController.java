package io.relay.preference.link;

import io.relay.preference.category.CategoryValidator;
import io.relay.preference.customer.CustomerStore;
import io.relay.preference.preference.Channels;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/customers/{id}/preference-links}: a link to the preference centre for this customer. */
@RestController
public class PreferenceLinkController {

    private final CustomerStore customers;
    private final LinkTokens tokens;
    private final String publicBaseUrl;
    private final Duration ttl;
    private final Duration unsubscribeTtl;

    public PreferenceLinkController(
            CustomerStore customers,
            LinkTokens tokens,
            @Value("${relay.public-base-url}") String publicBaseUrl,
            @Value("${relay.links.preference-ttl:P7D}") Duration ttl,
            @Value("${relay.links.unsubscribe-ttl:P90D}") Duration unsubscribeTtl) {
        this.customers = customers;
        this.tokens = tokens;
        this.publicBaseUrl = publicBaseUrl;
        this.ttl = ttl;
        this.unsubscribeTtl = unsubscribeTtl;
    }

    /** The body of {@code POST /v1/customers/{id}/unsubscribe-links}. */
    public record UnsubscribeLinkRequest(String category, String channel) {}

    /**
     * A one-click unsubscribe link (RFC 8058) for one category on one channel, for List-Unsubscribe
     * headers and message footers. Long-lived: it must still work when an old message is opened.
     */
    @PostMapping("/v1/customers/{customerId}/unsubscribe-links")
    public ResponseEntity<Map<String, Object>> unsubscribeLink(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String customerId,
            @RequestBody UnsubscribeLinkRequest request) {
        if (request.category() == null
                || !CategoryValidator.NAME.matcher(request.category()).matches()) {
            throw new InvalidRequestException("category", "is required");
        }
        if (!Channels.isChannel(request.channel())) {
            throw new InvalidRequestException("channel", "must be email, sms or push");
        }
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        String token = tokens.issue(
                tenantId, customerId, LinkClaims.UNSUBSCRIBE, request.category(), request.channel(), unsubscribeTtl);
        return ResponseEntity.status(HttpStatus.CREATED).body(link("/unsubscribe", token, LinkClaims.UNSUBSCRIBE));
    }

    private Map<String, Object> link(String path, String token, String purpose) {
        Instant expiresAt = tokens.verify(token, purpose).expiresAt();
        String url = publicBaseUrl + path + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        return Map.of("url", url, "expiresAt", expiresAt);
    }

    @PostMapping("/v1/customers/{customerId}/preference-links")
    public ResponseEntity<Map<String, Object>> issue(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        String token = tokens.issue(tenantId, customerId, LinkClaims.PREFERENCES, null, null, ttl);
        return ResponseEntity.status(HttpStatus.CREATED).body(link("/preferences", token, LinkClaims.PREFERENCES));
    }
}
