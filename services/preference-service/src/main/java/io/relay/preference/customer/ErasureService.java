package io.relay.preference.customer;

import io.relay.contracts.Channel;
import io.relay.contracts.Envelope;
import io.relay.contracts.Topology;
import io.relay.contracts.payload.CustomerErased;
import io.relay.links.LinkKeys;
import io.relay.messaging.ConfirmingPublisher;
import io.relay.preference.change.Changes;
import io.relay.web.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code DELETE /v1/customers/{id}}: contacts, preferences and consent state go; the consent ledger
 * stays, pseudonymised; the other services are told (confirmed by the broker before the commit, so an
 * erasure is never done without them hearing of it).
 */
@Service
public class ErasureService {

    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final CustomerStore customers;
    private final io.relay.preference.suppress.SuppressionList suppressions;
    private final ConfirmingPublisher publisher;
    private final Changes changes;
    private final LinkKeys keys;
    private final TransactionTemplate tx;
    private final Clock clock;

    public ErasureService(
            CustomerStore customers,
            io.relay.preference.suppress.SuppressionList suppressions,
            ConfirmingPublisher publisher,
            Changes changes,
            LinkKeys keys,
            TransactionTemplate tx,
            Clock clock) {
        this.customers = customers;
        this.suppressions = suppressions;
        this.publisher = publisher;
        this.changes = changes;
        this.keys = keys;
        this.tx = tx;
        this.clock = clock;
    }

    public void erase(String tenantId, String customerId) {
        Instant now = clock.instant();
        String pseudonym = pseudonym(tenantId, customerId);
        tx.executeWithoutResult(status -> {
            // a "no" about the customer's addresses outlives them, by the address's hash alone
            customers.find(tenantId, customerId).ifPresent(customer -> {
                for (Channel channel : Channel.values()) {
                    suppressions.forgetAddresses(tenantId, channel.wireName(), customer.addresses(channel));
                }
            });
            if (!customers.erase(tenantId, customerId, pseudonym)) {
                throw new NotFoundException("customer " + customerId);
            }
            publisher.publishAndWait(
                    Topology.EVENTS_EXCHANGE,
                    Topology.KEY_CUSTOMER_ERASED,
                    Envelope.of(
                            "erase_" + UUID.randomUUID(),
                            tenantId,
                            new CustomerErased(customerId, now, pseudonym),
                            null,
                            now),
                    CONFIRM_TIMEOUT);
        });
        // whatever is still in a channel's retry queue for them is refused (kept well past DELIVERY_MAX_AGE)
        suppressions.markErased(tenantId, customerId, java.time.Duration.ofDays(30));
        changes.erased(tenantId, customerId);
        changes.customer(tenantId, customerId);
    }

    /** Stable for one customer, not reversible without the server's key. */
    String pseudonym(String tenantId, String customerId) {
        return "erased:" + keys.fingerprint(tenantId + "/" + customerId);
    }
}
