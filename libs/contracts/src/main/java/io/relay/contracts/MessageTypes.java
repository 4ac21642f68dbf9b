package io.relay.contracts;

import io.relay.contracts.payload.ContactEvent;
import io.relay.contracts.payload.CustomerChanged;
import io.relay.contracts.payload.CustomerErased;
import io.relay.contracts.payload.DeliveryBatch;
import io.relay.contracts.payload.DeliveryEvent;
import io.relay.contracts.payload.EmailDispatch;
import io.relay.contracts.payload.MessageAccepted;
import io.relay.contracts.payload.PushDispatch;
import io.relay.contracts.payload.SmsDispatch;
import io.relay.contracts.payload.StatusChanged;
import java.util.List;
import java.util.Optional;

/** The one list of payload types on the wire, each with its current schema version. */
public final class MessageTypes {

    public record Type(String name, int version, Class<?> payloadClass) {}

    public static final Type MESSAGE_ACCEPTED = new Type("message.accepted", 1, MessageAccepted.class);
    public static final Type EMAIL_DISPATCH = new Type("dispatch.email", 1, EmailDispatch.class);
    public static final Type SMS_DISPATCH = new Type("dispatch.sms", 1, SmsDispatch.class);
    public static final Type PUSH_DISPATCH = new Type("dispatch.push", 1, PushDispatch.class);
    public static final Type DELIVERY_EVENT = new Type("delivery.event", 1, DeliveryEvent.class);
    /** Several delivery events, each with its tenant and trace, in one message. */
    public static final Type DELIVERY_BATCH = new Type("delivery.batch", 1, DeliveryBatch.class);

    public static final Type CUSTOMER_ERASED = new Type("customer.erased", 1, CustomerErased.class);
    public static final Type CUSTOMER_CHANGED = new Type("customer.changed", 1, CustomerChanged.class);
    public static final Type CONTACT_EVENT = new Type("contact.event", 1, ContactEvent.class);
    public static final Type STATUS_CHANGED = new Type("status.changed", 1, StatusChanged.class);

    private static final List<Type> ALL = List.of(
            MESSAGE_ACCEPTED,
            EMAIL_DISPATCH,
            SMS_DISPATCH,
            PUSH_DISPATCH,
            DELIVERY_EVENT,
            DELIVERY_BATCH,
            CUSTOMER_ERASED,
            CUSTOMER_CHANGED,
            CONTACT_EVENT,
            STATUS_CHANGED);

    private MessageTypes() {}

    public static Optional<Type> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public static Type forPayload(Class<?> payloadClass) {
        return ALL.stream()
                .filter(t -> t.payloadClass().equals(payloadClass))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a wire payload: " + payloadClass.getName()));
    }
}
