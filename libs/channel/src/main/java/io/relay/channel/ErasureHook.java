package io.relay.channel;

/**
 * What a channel service keeps about a customer beyond its queues (email's return-path records): it
 * forgets it when the customer is erased.
 */
public interface ErasureHook {

    void forget(String tenantId, String customerId);
}
