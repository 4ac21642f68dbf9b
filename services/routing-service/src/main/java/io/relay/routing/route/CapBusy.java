package io.relay.routing.route;

/** Another transaction is counting this customer's frequency cap in this category; routing did not wait. */
final class CapBusy extends RuntimeException {
    CapBusy() {
        super("another transaction is counting this customer's frequency cap", null, false, false);
    }
}
