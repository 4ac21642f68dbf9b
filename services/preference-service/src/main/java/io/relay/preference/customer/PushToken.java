package io.relay.preference.customer;

/** A device the customer can be pushed to; platform is android, ios or web. */
public record PushToken(String token, String platform) {}
