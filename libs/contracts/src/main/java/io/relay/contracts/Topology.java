package io.relay.contracts;

/**
 * Exchange, routing-key and queue names, in one place. Every service declares the part of this
 * topology it consumes from; publishers only need the exchange.
 */
public final class Topology {

    /** Topic exchange for everything services tell each other. */
    public static final String EVENTS_EXCHANGE = "relay.events";

    public static final String KEY_MESSAGE_ACCEPTED = "message.accepted";
    public static final String KEY_DISPATCH_EMAIL = "dispatch.email";
    public static final String KEY_DISPATCH_SMS = "dispatch.sms";
    public static final String KEY_DISPATCH_PUSH = "dispatch.push";
    /** {@code delivery.<channel>.<status>}, e.g. {@code delivery.email.sent}. */
    public static final String KEY_DELIVERY_PREFIX = "delivery.";
    /**
     * {@code deliveries.<channel>}: several delivery events in one message, to a queue of their own that
     * only a routing that reads batches declares and consumes. Until one has, a channel service's batch
     * comes back unroutable and its events go one by one; a routing that cannot read them never sees one.
     */
    public static final String KEY_DELIVERIES_PREFIX = "deliveries.";

    public static final String KEY_CUSTOMER_ERASED = "customer.erased";
    /** A customer's choices, consent or contacts changed: what waits for them is checked again at once. */
    public static final String KEY_CUSTOMER_CHANGED = "customer.changed";
    /** Both customer events, {@code customer.erased} and {@code customer.changed}. */
    public static final String KEY_CUSTOMER_EVENTS = "customer.*";

    public static final String KEY_STATUS_CHANGED = "status.changed";
    /** {@code contact.<kind>}, e.g. {@code contact.sms_opt_out}. */
    public static final String KEY_CONTACT_PREFIX = "contact.";

    public static final String QUEUE_ROUTING_ACCEPTED = "routing.message-accepted";
    public static final String QUEUE_ROUTING_DELIVERY = "routing.delivery-events";
    /** Batches of delivery events: a queue of their own, which only a routing that reads them declares. */
    public static final String QUEUE_ROUTING_DELIVERY_BATCHES = "routing.delivery-batches";

    public static final String QUEUE_ROUTING_CUSTOMER = "routing.customer-events";
    public static final String QUEUE_ROUTING_WEBHOOKS = "routing.status-webhooks";
    public static final String QUEUE_PREFERENCE_CONTACT = "preference.contact-events";
    public static final String QUEUE_EMAIL_DISPATCH = "email.dispatch";
    public static final String QUEUE_SMS_DISPATCH = "sms.dispatch";
    public static final String QUEUE_PUSH_DISPATCH = "push.dispatch";

    private Topology() {}

    public static String contactKey(io.relay.contracts.payload.ContactEvent.Kind kind) {
        return KEY_CONTACT_PREFIX + kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    public static String deliveryKey(String channel, String status) {
        return KEY_DELIVERY_PREFIX + channel + "." + status;
    }

    /** {@code delivery.<channel>.<status>}, e.g. {@code delivery.email.sent}. */
    public static String deliveryKey(Channel channel, String status) {
        return deliveryKey(channel.wireName(), status);
    }

    /** {@code deliveries.<channel>}: a batch of the channel's delivery events. */
    public static String deliveriesKey(Channel channel) {
        return KEY_DELIVERIES_PREFIX + channel.wireName();
    }

    /** {@code dispatch.<channel>}: where routing hands a message to the channel's service. */
    public static String dispatchKey(Channel channel) {
        return switch (channel) {
            case EMAIL -> KEY_DISPATCH_EMAIL;
            case SMS -> KEY_DISPATCH_SMS;
            case PUSH -> KEY_DISPATCH_PUSH;
        };
    }
}
