package io.relay.preference.change;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * What a writer announces once its change is made (after commit): who listens (the resolve cache today)
 * is none of the writer's business, so no writer reaches into another feature to keep it fresh.
 */
@Component
public class Changes {

    /** One customer's profile, choices, consent or contacts changed. */
    public record CustomerChanged(String tenantId, String customerId) {}

    /** A tenant's categories changed, which every customer's choices depend on. */
    public record CategoriesChanged(String tenantId) {}

    /** A customer was erased: whatever is kept about them besides the database goes too. */
    public record CustomerErased(String tenantId, String customerId) {}

    /** A tenant's suppression list changed, which the choices of whoever holds the address depend on. */
    public record SuppressionsChanged(String tenantId) {}

    private final ApplicationEventPublisher events;

    public Changes(ApplicationEventPublisher events) {
        this.events = events;
    }

    public void customer(String tenantId, String customerId) {
        events.publishEvent(new CustomerChanged(tenantId, customerId));
    }

    public void erased(String tenantId, String customerId) {
        events.publishEvent(new CustomerErased(tenantId, customerId));
    }

    public void categories(String tenantId) {
        events.publishEvent(new CategoriesChanged(tenantId));
    }

    public void suppressions(String tenantId) {
        events.publishEvent(new SuppressionsChanged(tenantId));
    }
}
