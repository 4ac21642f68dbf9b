package io.relay.preference.contact;

import io.relay.contracts.Channel;
import io.relay.contracts.Envelope;
import io.relay.contracts.payload.ContactEvent;
import io.relay.messaging.EnvelopeHandler;
import io.relay.preference.preference.PreferenceService;
import io.relay.preference.suppress.SuppressionList;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What channel services learn about contacts: a dead push token or a number that cannot take SMS is
 * removed; STOP and START from a phone change SMS consent. Both are recorded in the ledger. Safe to repeat: a second STOP finds SMS
 * already off and writes nothing.
 */
@Component
public class ContactEventHandler implements EnvelopeHandler {

    private static final Logger log = LoggerFactory.getLogger(ContactEventHandler.class);

    private final PreferenceService preferences;
    private final SuppressionList suppressions;
    private final io.relay.preference.change.Changes changes;
    private final io.relay.preference.customer.CustomerStore customers;
    private final Clock clock;

    public ContactEventHandler(
            PreferenceService preferences,
            SuppressionList suppressions,
            io.relay.preference.change.Changes changes,
            io.relay.preference.customer.CustomerStore customers,
            Clock clock) {
        this.customers = customers;
        this.preferences = preferences;
        this.suppressions = suppressions;
        this.changes = changes;
        this.clock = clock;
    }

    @Override
    public void handle(Envelope<Object> envelope) {
        ContactEvent event = (ContactEvent) envelope.payload();
        String tenantId = envelope.tenantId();
        List<String> affected = switch (event.kind()) {
            case PUSH_TOKEN_INVALID -> preferences.removePushToken(tenantId, event.address(), event.detail());
            case SMS_OPT_OUT -> preferences.smsKeyword(tenantId, event.address(), false, keyword(event, "STOP"));
            case SMS_OPT_IN -> preferences.smsKeyword(tenantId, event.address(), true, keyword(event, "START"));
            case PHONE_INVALID -> preferences.removePhone(tenantId, event.address(), event.detail());
            // who holds the address: their waiting messages are checked again at once
            case EMAIL_BOUNCED -> customers.withEmail(tenantId, event.address());
            case EMAIL_COMPLAINED ->
                preferences.emailComplaint(tenantId, event.customerId(), event.address(), event.detail());
        };
        // the address itself, whoever has it now or later: only START (or a lift with evidence) undoes it
        Instant now = clock.instant();
        switch (event.kind()) {
            case PUSH_TOKEN_INVALID ->
                suppressions.suppress(
                        tenantId,
                        Channel.PUSH.wireName(),
                        event.address(),
                        "dead token: " + event.detail(),
                        "provider",
                        now);
            case PHONE_INVALID ->
                suppressions.suppress(
                        tenantId,
                        Channel.SMS.wireName(),
                        event.address(),
                        "invalid number: " + event.detail(),
                        "provider",
                        now);
            case SMS_OPT_OUT ->
                suppressions.suppress(
                        tenantId, Channel.SMS.wireName(), event.address(), keyword(event, "STOP"), "sms-keyword", now);
            case SMS_OPT_IN ->
                suppressions.lift(
                        tenantId, Channel.SMS.wireName(), event.address(), keyword(event, "START"), "sms-keyword", now);
            case EMAIL_BOUNCED -> {
                if (suppressions.suppress(
                        tenantId,
                        Channel.EMAIL.wireName(),
                        event.address(),
                        "hard bounce: " + event.detail(),
                        "email-bounce",
                        now)) {
                    changes.suppressions(tenantId);
                    affected.forEach(customer -> changes.customer(tenantId, customer));
                }
            }
            case EMAIL_COMPLAINED -> {
                // the customer's marketing consent, above; and the address, for marketing only (it still
                // takes receipts), whoever holds it now or later: the report's, else the customer's
                String address = event.address() != null
                        ? event.address()
                        : event.customerId() == null
                                ? null
                                : customers
                                        .find(tenantId, event.customerId())
                                        .map(io.relay.preference.customer.Customer::email)
                                        .orElse(null);
                if (address != null
                        && suppressions.suppress(
                                tenantId,
                                Channel.EMAIL.wireName(),
                                address,
                                SuppressionList.MARKETING,
                                SuppressionList.Act.of("email-complaint", "spam complaint: " + event.detail()),
                                now)) {
                    changes.suppressions(tenantId);
                }
            }
        }
        log.info("{} applied to {} customers", event.kind(), affected.size());
    }

    private static String keyword(ContactEvent event, String fallback) {
        return event.keyword() == null ? fallback : event.keyword();
    }
}
