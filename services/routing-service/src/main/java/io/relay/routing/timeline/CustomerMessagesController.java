package io.relay.routing.timeline;

import io.relay.web.RequestContextFilter;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /internal/v1/customers/{customerId}/messages}: every message routing holds for the
 * customer, newest first, each with its timeline, for preference-service's export of everything we
 * hold about a customer. Internal: only with the gateway's token (libs/web).
 */
@RestController
public class CustomerMessagesController {

    /** More than any customer is sent within the retention period; an export never pages. */
    private static final int ALL = 100_000;

    private final MessageStore store;

    public CustomerMessagesController(MessageStore store) {
        this.store = store;
    }

    @GetMapping("/internal/v1/customers/{customerId}/messages")
    public List<MessageView> messages(
            @RequestHeader(RequestContextFilter.TENANT) String tenantId, @PathVariable String customerId) {
        return store.recentForCustomer(tenantId, customerId, ALL).stream()
                .map(m -> MessageView.of(m, store.timeline(tenantId, m.id())))
                .toList();
    }
}
