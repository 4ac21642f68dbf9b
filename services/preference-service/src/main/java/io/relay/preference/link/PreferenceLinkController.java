package io.relay.preference.link;

import io.relay.contracts.Channel;
import io.relay.links.LinkUrls;
import io.relay.preference.category.CategoryValidator;
import io.relay.preference.customer.CustomerStore;
import io.relay.web.InvalidRequestException;
import io.relay.web.NotFoundException;
import io.relay.web.RequestContextFilter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** Links for customers: the preference centre, and one-click unsubscribe. */
@RestController
public class PreferenceLinkController {

    private final CustomerStore customers;
    private final LinkUrls links;

    public PreferenceLinkController(CustomerStore customers, LinkUrls links) {
        this.customers = customers;
        this.links = links;
    }

    @PostMapping("/v1/customers/{customerId}/preference-links")
    public ResponseEntity<LinkUrls.Link> issue(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        return ResponseEntity.status(HttpStatus.CREATED).body(links.preferences(tenantId, customerId));
    }

    /** The body of {@code POST /v1/customers/{id}/unsubscribe-links}. */
    public record UnsubscribeLinkRequest(String category, String channel) {}

    /**
     * A one-click unsubscribe link (RFC 8058) for one category on one channel, for List-Unsubscribe
     * headers and message footers.
     */
    @PostMapping("/v1/customers/{customerId}/unsubscribe-links")
    public ResponseEntity<LinkUrls.Link> unsubscribeLink(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId,
            @PathVariable String customerId,
            @RequestBody UnsubscribeLinkRequest request) {
        if (request.category() == null
                || !CategoryValidator.NAME.matcher(request.category()).matches()) {
            throw new InvalidRequestException("category", "is required");
        }
        if (!Channel.fromWire(request.channel()).isPresent()) {
            throw new InvalidRequestException("channel", "must be email, sms or push");
        }
        customers.find(tenantId, customerId).orElseThrow(() -> new NotFoundException("customer " + customerId));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(links.unsubscribe(tenantId, customerId, request.category(), request.channel()));
    }
}
