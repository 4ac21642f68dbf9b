package io.relay.preference.resolve;

import io.relay.preference.change.Changes;
import io.relay.redis.ResolvedChoicesCache;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import redis.clients.jedis.JedisPooled;

/**
 * preference-service's side of {@link ResolvedChoicesCache}: it fills entries on a miss and, after each
 * committed change, makes every later reader (here and in routing-service) miss.
 */
@Component
public class ResolvedCache extends ResolvedChoicesCache {

    public ResolvedCache(JedisPooled redis) {
        super(redis);
    }

    /** After any change to one customer's profile, choices or consent (announced after commit). */
    @EventListener
    public void customerChanged(Changes.CustomerChanged change) {
        customerChanged(change.tenantId(), change.customerId());
    }

    /** An erased customer's cached choices (their addresses among them) go at once, not on their TTL. */
    @EventListener
    public void customerErased(Changes.CustomerErased erased) {
        forgetCustomer(erased.tenantId(), erased.customerId());
    }

    /** After a change to a tenant's categories, which every customer's choices depend on. */
    @EventListener
    public void categoriesChanged(Changes.CategoriesChanged change) {
        tenantChanged(change.tenantId());
    }

    /** After a change to a tenant's suppression list: whoever holds the address, their choices change. */
    @EventListener
    public void suppressionsChanged(Changes.SuppressionsChanged change) {
        tenantChanged(change.tenantId());
    }
}
